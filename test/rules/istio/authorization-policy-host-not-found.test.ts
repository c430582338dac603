import { authorizationPolicyHostNotFound } from "../../../src/rules/istio/authorization-policy-host-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";
import { curl, httpbin, httpbinPolicy } from "./authorization-fixtures.js";

const hosts = (list: string) => httpbinPolicy(`  - to:\n    - operation:\n        hosts: [${list}]`);
const externalEntry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: kiali
  namespace: foo
spec:
  hosts: ["*.kiali.io"]
  location: MESH_EXTERNAL
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: DNS`;
const virtualService = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: httpbin-alias
  namespace: foo
spec:
  hosts: ["httpbin-alias"]
  http:
  - route:
    - destination:
        host: httpbin`;

testRule(authorizationPolicyHostNotFound, {
  valid: [
    { name: "short name, service.namespace and FQDN of a Service", files: { "a.yaml": docs(httpbin, curl, hosts('"httpbin", "httpbin.foo", "httpbin.foo.svc.cluster.local"')) } },
    { name: "Host header values are not looked up", files: { "a.yaml": docs(httpbin, hosts('"api.example.com", "*.example.com", "www.*", "*", "app.tech"')) } },
    { name: "a port in the host", files: { "a.yaml": docs(httpbin, hosts('"httpbin:8000"')) } },
    { name: "a VirtualService host", files: { "a.yaml": docs(httpbin, virtualService, hosts('"httpbin-alias"')) } },
    { name: "a ServiceEntry wildcard", files: { "a.yaml": docs(httpbin, externalEntry, hosts('"docs.kiali.io"')) } },
  ],
  invalid: [
    { name: "misspelt service", files: { "a.yaml": docs(httpbin, hosts('"httpbim"')) }, expect: { severity: "warning", summary: /hosts "httpbim" names httpbim.foo.svc.cluster.local, which no Service, ServiceEntry or VirtualService defines/, equivalents: ["KIA0104"] } },
    { name: "service.namespace of a known namespace without that service", files: { "a.yaml": docs(httpbin, curl, hosts('"httpbin.sleep"')) }, expect: { count: 1, summary: /httpbin.sleep.svc.cluster.local/ } },
    { name: "notHosts", files: { "a.yaml": docs(httpbin, httpbinPolicy('  - to:\n    - operation:\n        notHosts: ["ratings"]')) }, expect: { summary: /notHosts "ratings"/ } },
  ],
});
