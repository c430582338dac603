import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogGatewayDump } from "../../envoy/fixtures/catalog-gateway-dump.js";

/**
 * Credentials of every shape the redaction must catch, each carrying a marker
 * (`c4n4ry`, any case) so a leak is found whatever part of it is printed.
 */
export const CANARY = {
  password: "hunter2-c4n4ry-pw",
  apiToken: "tok_c4n4ry_9f8e7d6c5b4a3210",
  jwt: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjNG40cnkifQ.c4n4rySignatureXyz0123456789abc",
  awsAccessKey: "AKIAC4N4RY7EXAMPLE12",
  awsSecretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYc4n4ryKEY0",
  github: "ghp_c4n4ryAbCdEfGhIjKlMnOpQrStUvWxYz0123",
  gitlab: "glpat-c4n4ryAbCdEfGh123456",
  slack: "xoxb-123456789012-1234567890123-c4n4ryAbCdEfGhIjKlMnOpQr",
  privateKey: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDc4n4ryKeyBody",
  connection: "c4n4ryDbPass",
  registry: "c4n4ryRegistryPass",
  cliPassword: "c4n4ryCliPass",
  mysql: "c4n4ryMysqlPass",
  basic: "dXNlcjpjNG40cnlCYXNpYw==", // user:c4n4ryBasic
  accessLogAuth: "c4n4ryAuthority",
  adoConnection: "c4n4ryAdoPass",
} as const;

const TICKET_KEY = `c4n4ry-ticket-${"k".repeat(60)}`;
/** Canaries that only appear encoded (inline_bytes, Basic credentials). */
const ENCODED_CANARIES = [CANARY.basic, Buffer.from(TICKET_KEY).toString("base64"), Buffer.from(CANARY.slack).toString("base64")];

/** Every marker found in `text`. */
export function leaksIn(text: string): string[] {
  const lower = text.toLowerCase();
  const found = new Set<string>();
  for (const marker of Object.values(CANARY)) if (text.includes(marker)) found.add(marker);
  if (lower.includes("c4n4ry")) found.add("c4n4ry");
  for (const encoded of ENCODED_CANARIES) if (text.includes(encoded)) found.add(`base64 ${encoded}`);
  return [...found];
}

const PRIVATE_KEY_BLOCK = `-----BEGIN PRIVATE KEY-----\n${CANARY.privateKey}\nAbCdEf0123456789\n-----END PRIVATE KEY-----\n`;

export const CANARY_ENV = [
  { name: "DB_PASSWORD", value: CANARY.password },
  { name: "API_TOKEN", value: CANARY.apiToken },
  { name: "UPSTREAM_AUTHORIZATION", value: `Bearer ${CANARY.jwt}` },
  { name: "AWS_ACCESS_KEY_ID", value: CANARY.awsAccessKey },
  { name: "AWS_SECRET_ACCESS_KEY", value: CANARY.awsSecretKey },
  { name: "GITHUB_TOKEN", value: CANARY.github },
  { name: "CI_JOB_CREDENTIAL", value: CANARY.gitlab },
  { name: "SLACK_WEBHOOK_BOT", value: CANARY.slack },
  { name: "TLS_KEY_PEM", value: PRIVATE_KEY_BLOCK },
  { name: "DATABASE_URL", value: `postgres://app:${CANARY.connection}@postgres.shop.svc.cluster.local:5432/shop` },
  { name: "SQLSERVER", value: `Server=db;Database=shop;User Id=app;Password=${CANARY.adoConnection};` },
  { name: "EXTRA_HEADER", value: `Authorization: Basic ${CANARY.basic}` },
];

/** Log and event text carrying every canary the way applications really print them. */
export const CANARY_LINES = [
  `2025-06-02T10:40:00Z ERROR db: connection to postgres://app:${CANARY.connection}@postgres.shop.svc.cluster.local:5432/shop failed: FATAL: password authentication failed for user "app"`,
  `2025-06-02T10:40:00Z DEBUG http: sending request with header Authorization: Bearer ${CANARY.jwt}`,
  `2025-06-02T10:40:00Z WARN aws: using credentials AKIA key ${CANARY.awsAccessKey} secret_access_key=${CANARY.awsSecretKey}`,
  `2025-06-02T10:40:00Z INFO git: cloning https://x-access-token:${CANARY.github}@github.com/shop/config.git`,
  `2025-06-02T10:40:00Z INFO ci: token=${CANARY.gitlab} slack=${CANARY.slack}`,
  `2025-06-02T10:40:00Z ERROR tls: loaded key ${PRIVATE_KEY_BLOCK.replace(/\n/g, " ")}`,
  `2025-06-02T10:40:00Z ERROR sh: mysql -uroot -p${CANARY.mysql} -h db returned 1; retry with --password=${CANARY.cliPassword}`,
  `2025-06-02T10:40:00Z INFO api: api_key: ${CANARY.apiToken} password: ${CANARY.password}`,
];

function seedContainer(container: Record<string, unknown>, withImage: boolean): void {
  container.env = [...((container.env as unknown[]) ?? []), ...CANARY_ENV];
  container.args = [...((container.args as unknown[]) ?? []), `--password=${CANARY.cliPassword}`, `--db=postgres://app:${CANARY.connection}@db:5432/shop`];
  if (withImage && typeof container.image === "string") container.image = `https://robot:${CANARY.registry}@${container.image.replace(/^docker\.io\//, "registry.example.com/")}`;
}

function seedObject(object: Record<string, any>, withImage: boolean): void {
  const spec = object.kind === "Pod" ? object.spec : object.spec?.template?.spec ?? object.spec?.jobTemplate?.spec?.template?.spec;
  if (spec && typeof spec === "object") {
    for (const key of ["containers", "initContainers"]) for (const container of spec[key] ?? []) seedContainer(container, withImage);
  }
  if (object.kind === "Event" && typeof object.message === "string") object.message += ` (${CANARY_LINES[object.message.length % CANARY_LINES.length]})`;
  if (object.kind === "ConfigMap") object.data = { ...(object.data ?? {}), "application.properties": `spring.datasource.password=${CANARY.password}\n` };
}

function walkFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walkFiles(full) : [full];
  });
}

export interface CanaryInputs {
  snapshot: string;
  manifests: string;
  dump: string;
  accessLog: string;
  describe: string;
}

/** The bundled lab copied to `dir` with canaries in every container, event, ConfigMap, log and access log, plus an Envoy dump with secrets. */
export function writeCanaryInputs(dir: string, labDir: string): CanaryInputs {
  const snapshot = join(dir, "snapshot");
  cpSync(labDir, snapshot, { recursive: true });
  for (const file of walkFiles(snapshot)) {
    if (file.endsWith(".json") && file.includes("/namespaces/")) {
      const list = JSON.parse(readFileSync(file, "utf8"));
      const imageNamespace = file.includes("/lab-image-pull/") || file.includes("/lab-oom/");
      for (const item of list.items ?? []) seedObject(item, imageNamespace);
      writeFileSync(file, JSON.stringify(list, null, 2));
    } else if (file.endsWith(".log")) {
      const text = readFileSync(file, "utf8");
      if (file.includes("/envoy/")) {
        writeFileSync(file, text + accessLogLines().join("\n") + "\n");
      } else {
        const lines = text.split("\n");
        lines.splice(Math.min(2, lines.length), 0, ...CANARY_LINES);
        writeFileSync(file, lines.join("\n"));
      }
    }
  }
  const manifests = join(dir, "manifests");
  mkdirSync(manifests);
  for (const namespace of ["lab-oom", "lab-image-pull", "lab-secret-typo", "shop"]) {
    const source = join(snapshot, "namespaces", namespace, "deployments.json");
    try {
      writeFileSync(join(manifests, `${namespace}.json`), readFileSync(source, "utf8"));
    } catch {
      // not every namespace has deployments
    }
  }
  const dump = join(dir, "dump.json");
  writeFileSync(dump, JSON.stringify(canaryDump(), null, 2));
  const accessLog = join(dir, "access.log");
  writeFileSync(accessLog, [...accessLogLines(), ...CANARY_LINES].join("\n") + "\n");
  const describe = join(dir, "describe.txt");
  writeFileSync(describe, describeText());
  return { snapshot, manifests, dump, accessLog, describe };
}

function accessLogLines(): string[] {
  return [
    `[2025-06-02T10:41:01.700Z] "GET /items?access_token=${CANARY.apiToken} HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - "-" 0 91 2 - "10.244.1.1" "curl/8.7.1" "0b3ac290-5d5d-4a6c-b779-1437cef045ad" "robot:${CANARY.accessLogAuth}@catalog.storefront.example.com" "10.244.2.32:3000" outbound|80|version-v1|catalog.storefront.svc.cluster.local - 10.244.1.9:8080 10.244.1.1:50000 - -`,
    `{"start_time":"2025-06-02T10:41:02.700Z","method":"GET","path":"/login","protocol":"HTTP/1.1","response_code":503,"response_flags":"UF","authority":"robot:${CANARY.accessLogAuth}@catalog.storefront.example.com","upstream_cluster":"outbound|80||catalog.storefront.svc.cluster.local","upstream_host":"10.244.2.32:3000","duration":2,"x_forwarded_for":"10.244.1.1","user_agent":"curl/8.7.1 ${CANARY.jwt}"}`,
    `not an access log line: Authorization: Bearer ${CANARY.jwt} password=${CANARY.password}`,
  ];
}

function describeText(): string {
  const env = CANARY_ENV.filter((item) => !item.value.includes("\n")).map((item) => `      ${item.name}:  ${item.value}`).join("\n");
  return `Name:             api-7d9f8c-x2x4q
Namespace:        shop
Status:           Running
Containers:
  api:
    Image:          https://robot:${CANARY.registry}@registry.example.com/shop/api:1.4.2
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
    Ready:          False
    Restart Count:  7
    Environment:
${env}
Events:
  Type     Reason   Age                From     Message
  ----     ------   ----               ----     -------
  Warning  BackOff  2m (x7 over 10m)   kubelet  Back-off restarting failed container api in pod api-7d9f8c-x2x4q_shop(2c1b6b1e) ${CANARY_LINES[0]}
`;
}

function canaryDump(): Record<string, any> {
  const dump = catalogGatewayDump({ withSubsets: true }) as Record<string, any>;
  const admin = "type.googleapis.com/envoy.admin.v3.";
  for (const config of dump.configs) {
    if (config["@type"] === `${admin}RoutesConfigDump`) {
      for (const route of config.dynamic_route_configs ?? []) {
        route.route_config.request_headers_to_add = [{ header: { key: "authorization", value: `Bearer ${CANARY.jwt}` }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }];
        for (const host of route.route_config.virtual_hosts ?? []) host.request_headers_to_add = [{ header: { key: "x-api-key", value: CANARY.apiToken } }];
      }
    }
  }
  dump.configs.push({
    "@type": `${admin}SecretsConfigDump`,
    dynamic_active_secrets: [
      {
        name: "kubernetes://catalog-credential",
        version_info: "2025-10-26T05:40:12Z/31",
        last_updated: "2025-10-26T05:40:12.601Z",
        secret: {
          "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
          name: "kubernetes://catalog-credential",
          tls_certificate: {
            certificate_chain: { inline_bytes: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t" },
            private_key: { inline_string: PRIVATE_KEY_BLOCK },
            password: { inline_string: CANARY.password },
          },
        },
      },
      {
        name: "ticket-keys",
        secret: { name: "ticket-keys", session_ticket_keys: { keys: [{ inline_bytes: Buffer.from(TICKET_KEY).toString("base64") }, { inline_string: `c4n4ry-ticket-key-2-${"x".repeat(60)}` }] } },
      },
      { name: "hmac", secret: { name: "hmac", generic_secret: { secret: { inline_string: CANARY.apiToken } } } },
    ],
    static_secrets: [{ name: "oauth", secret: { name: "oauth", generic_secret: { secret: { inline_bytes: Buffer.from(CANARY.slack).toString("base64") } } } }],
  });
  return dump;
}
