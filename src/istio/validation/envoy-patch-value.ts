/**
 * An EnvoyFilter patch value read as Istio reads it: Istio unmarshals the value into the Envoy v3
 * message its applyTo names (xds.BuildXDSObjectFromStruct, with golang/protobuf's jsonpb), once
 * allowing unknown fields (a failure rejects the EnvoyFilter) and once strictly (a failure is a
 * warning). The messages are those of envoy-messages.ts; inside a type ktriage does not carry, or
 * an Any of a type that may be registered by another Istio release, nothing is judged.
 */
import { ENVOY_MESSAGES } from "./envoy-messages.js";
import { ENVOY_ENUMS, REGISTERED_TYPES } from "./envoy-type-names.js";

interface Field {
  name: string;
  json: string;
  kind: string;
  type: string;
  label: string;
}

interface Registry {
  messages: Map<string, Field[]>;
  enums: Map<string, Set<string>>;
  registered: Set<string>;
  packages: Set<string>;
  roots: Set<string>;
}

let loaded: Registry | undefined;

const jsonName = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const packageOf = (name: string) => {
  const cut = name.search(/\.[A-Z]/);
  return cut < 0 ? name : name.slice(0, cut);
};

function registry(): Registry {
  if (loaded) return loaded;
  const messages = new Map<string, Field[]>();
  for (const line of ENVOY_MESSAGES.split("\n")) {
    if (!line) continue;
    const [name, ...fields] = line.split(" ");
    messages.set(
      name!,
      fields.map((text) => {
        const [field, kind, type = "", label = ""] = text.split(":");
        return { name: field!, json: jsonName(field!), kind: kind!, type, label };
      }),
    );
  }
  const enums = new Map<string, Set<string>>();
  for (const line of ENVOY_ENUMS.split("\n")) {
    if (!line) continue;
    const [name, ...values] = line.split(" ");
    enums.set(name!, new Set(values));
  }
  const registered = new Set<string>();
  const packages = new Set<string>();
  const roots = new Set<string>();
  for (const entry of REGISTERED_TYPES.split(/\s+/)) {
    if (!entry) continue;
    const [pkg, names = ""] = entry.split(":");
    packages.add(pkg!);
    roots.add(pkg!.split(".")[0]!);
    for (const name of names.split(",")) registered.add(`${pkg}.${name}`);
  }
  return (loaded = { messages, enums, registered, packages, roots });
}

/** What each applyTo unmarshals its value into (BOOTSTRAP is not judged). */
const APPLY_TO: Record<string, string> = {
  CLUSTER: "envoy.config.cluster.v3.Cluster",
  LISTENER: "envoy.config.listener.v3.Listener",
  ROUTE_CONFIGURATION: "envoy.config.route.v3.RouteConfiguration",
  FILTER_CHAIN: "envoy.config.listener.v3.FilterChain",
  HTTP_FILTER: "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter",
  NETWORK_FILTER: "envoy.config.listener.v3.Filter",
  VIRTUAL_HOST: "envoy.config.route.v3.VirtualHost",
  HTTP_ROUTE: "envoy.config.route.v3.Route",
  EXTENSION_CONFIG: "envoy.config.core.v3.TypedExtensionConfig",
  LISTENER_FILTER: "envoy.config.listener.v3.ListenerFilter",
};

/** A type the inputs name that ktriage cannot judge: no verdict at all. */
class Unjudged extends Error {}

const V2_TYPE = /^envoy\.(?:[a-z0-9_]+\.)*v2(?:alpha\d*|beta\d*)?\./;

/** Whether Istio certainly fails to resolve the type: a v2 API, a misspelt message of a known package, or a publisher Istio never registers. */
function certainlyUnregistered(name: string): boolean {
  const { packages, roots } = registry();
  return V2_TYPE.test(name) || packages.has(packageOf(name)) || !roots.has(name.split(".")[0]!);
}

function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "boolean") return "bool";
  return typeof value === "object" ? "object" : typeof value;
}

const cannot = (value: unknown, goType: string, literal = false) => `json: cannot unmarshal ${jsonKind(value)}${literal ? ` ${String(value)}` : ""} into Go value of type ${goType}`;
const MAP = "map[string]json.RawMessage";
const LIST = "[]json.RawMessage";
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Go's time.ParseDuration errors (jsonpb reads Durations with it). */
export function goDurationError(text: string): string | undefined {
  const quoted = JSON.stringify(text);
  let rest = text.replace(/^[-+]/, "");
  if (rest === "0") return undefined;
  if (rest === "") return `time: invalid duration ${quoted}`;
  while (rest !== "") {
    const number = /^(\d*)(\.\d*)?/.exec(rest)!;
    if (number[1] === "" && (number[2] === undefined || number[2] === ".")) return `time: invalid duration ${quoted}`;
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === "") return `time: missing unit in duration ${quoted}`;
    if (!["ns", "us", "µs", "μs", "ms", "s", "m", "h"].includes(unit)) return `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`;
    rest = rest.slice(unit.length);
  }
  return undefined;
}

const INT_RANGES: Record<string, [bigint, bigint, string]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n, "int32"], sint32: [-(2n ** 31n), 2n ** 31n - 1n, "int32"], sfixed32: [-(2n ** 31n), 2n ** 31n - 1n, "int32"],
  int64: [-(2n ** 63n), 2n ** 63n - 1n, "int64"], sint64: [-(2n ** 63n), 2n ** 63n - 1n, "int64"], sfixed64: [-(2n ** 63n), 2n ** 63n - 1n, "int64"],
  uint32: [0n, 2n ** 32n - 1n, "uint32"], fixed32: [0n, 2n ** 32n - 1n, "uint32"],
  uint64: [0n, 2n ** 64n - 1n, "uint64"], fixed64: [0n, 2n ** 64n - 1n, "uint64"],
};

/** A number field, which jsonpb also reads from a quoted number. */
function numberError(value: unknown, kind: string): string | undefined {
  if (value === null) return undefined;
  const float = kind === "float" || kind === "double";
  const goType = float ? (kind === "float" ? "float32" : "float64") : INT_RANGES[kind]![2];
  if (float && (value === "NaN" || value === "Infinity" || value === "-Infinity")) return undefined;
  let literal: string;
  if (typeof value === "number") literal = String(value);
  else if (typeof value === "string") {
    literal = value;
    if (literal === "") return "unexpected end of JSON input";
    if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(literal)) {
      if (["true", "false", "null"].includes(literal)) return literal === "null" ? undefined : `json: cannot unmarshal bool into Go value of type ${goType}`;
      return `invalid character '${literal[0]}' looking for beginning of value`;
    }
  } else return cannot(value, goType);
  const parsed = Number(literal);
  if (float) return kind === "float" && Math.abs(parsed) > 3.4028234663852886e38 ? `json: cannot unmarshal number ${literal} into Go value of type float32` : undefined;
  const [min, max] = INT_RANGES[kind]!;
  const integral = /^-?\d+$/.test(literal) ? BigInt(literal) : Number.isInteger(parsed) && !/[.eE]/.test(literal) ? BigInt(parsed) : undefined;
  return integral === undefined || integral < min || integral > max ? `json: cannot unmarshal number ${literal} into Go value of type ${goType}` : undefined;
}

const WRAPPERS: Record<string, string> = {
  BoolValue: "bool", StringValue: "string", BytesValue: "bytes", Int32Value: "int32", UInt32Value: "uint32", Int64Value: "int64", UInt64Value: "uint64", FloatValue: "float", DoubleValue: "double",
};

class Decoder {
  constructor(private readonly strict: boolean) {}

  message(type: string, value: unknown): string | undefined {
    if (value === null) return undefined;
    if (type.startsWith("google.protobuf.")) return this.wellKnown(type.slice("google.protobuf.".length), value);
    const fields = registry().messages.get(type);
    if (!fields) return undefined;
    if (!isObject(value)) return cannot(value, MAP);
    const rest = new Map(Object.entries(value));
    for (const field of fields) {
      let raw: unknown;
      for (const key of [field.name, field.json]) {
        if (rest.has(key)) (raw = rest.get(key)), rest.delete(key);
      }
      if (raw === undefined || (raw === null && !(field.type === "google.protobuf.Value" && field.label === ""))) continue;
      const error = this.value(field, raw);
      if (error) return error;
    }
    const unknown = [...rest.keys()].find((key) => !(key.startsWith("[") && key.endsWith("]")));
    return this.strict && unknown !== undefined ? `unknown field ${JSON.stringify(unknown)} in ${type}` : undefined;
  }

  private wellKnown(name: string, value: unknown): string | undefined {
    if (name === "Any") return this.any(value);
    if (name in WRAPPERS) return this.singular({ name: "value", json: "value", kind: WRAPPERS[name]!, type: "", label: "" }, value);
    switch (name) {
      case "Duration": {
        if (typeof value !== "string") return cannot(value, "string");
        const error = goDurationError(value);
        return error ? `bad Duration: ${error}` : undefined;
      }
      case "Struct":
        return isObject(value) ? undefined : `bad StructValue: ${cannot(value, MAP)}`;
      case "ListValue":
        return Array.isArray(value) ? undefined : `bad ListValue: ${cannot(value, LIST)}`;
      case "Value":
      case "Timestamp":
        return undefined;
      case "Empty":
        if (!isObject(value)) return cannot(value, MAP);
        return this.strict && Object.keys(value).length > 0 ? `unknown field ${JSON.stringify(Object.keys(value)[0])} in google.protobuf.Empty` : undefined;
      default:
        throw new Unjudged(name);
    }
  }

  private any(value: unknown): string | undefined {
    if (!isObject(value)) return cannot(value, MAP);
    if (!("@type" in value)) return "Any JSON doesn't have '@type'";
    const url = value["@type"];
    if (typeof url !== "string") return `can't unmarshal Any's '@type': ${JSON.stringify(JSON.stringify(url))}`;
    const name = url.slice(url.lastIndexOf("/") + 1);
    const { registered, messages } = registry();
    if (!registered.has(name)) {
      if (certainlyUnregistered(name)) return `could not resolve Any message type: ${url}`;
      throw new Unjudged(name);
    }
    const nested = (error: string | undefined) => (error ? `can't unmarshal Any nested proto ${url}: ${error}` : undefined);
    if (name.startsWith("google.protobuf.")) return "value" in value ? nested(this.message(name, value.value)) : "Any JSON doesn't have 'value'";
    if (!messages.has(name)) return undefined;
    const { ["@type"]: _type, ...fields } = value;
    return nested(this.message(name, fields));
  }

  private value(field: Field, raw: unknown): string | undefined {
    if (field.label === "repeated") {
      if (!Array.isArray(raw)) return cannot(raw, LIST);
      for (const item of raw) {
        const error = this.singular(field, item);
        if (error) return error;
      }
      return undefined;
    }
    if (field.label === "map") {
      if (raw === null) return undefined;
      if (!isObject(raw)) return cannot(raw, MAP);
      for (const item of Object.values(raw)) {
        const error = this.singular(field, item);
        if (error) return error;
      }
      return undefined;
    }
    return this.singular(field, raw);
  }

  private singular(field: Field, raw: unknown): string | undefined {
    switch (field.kind) {
      case "message":
      case "group":
        return this.message(field.type, raw);
      case "bool":
        return raw === null || typeof raw === "boolean" ? undefined : cannot(raw, "bool");
      case "string":
        return raw === null || typeof raw === "string" ? undefined : cannot(raw, "string");
      case "bytes":
        return raw === null || typeof raw === "string" ? undefined : cannot(raw, "[]uint8");
      case "enum":
        if (typeof raw === "string") {
          const values = registry().enums.get(field.type);
          return !values || values.has(raw) ? undefined : `unknown value ${JSON.stringify(JSON.stringify(raw))} for enum ${field.type}`;
        }
        if (raw === null) return undefined;
        if (typeof raw !== "number") return cannot(raw, "protoreflect.EnumNumber");
        return Number.isInteger(raw) && Math.abs(raw) < 2 ** 31 ? undefined : cannot(raw, "protoreflect.EnumNumber", true);
      default:
        return numberError(raw, field.kind);
    }
  }
}

export interface PatchValueVerdict {
  /** Istio rejects the EnvoyFilter (IST0106). */
  error?: string;
  /** Istio accepts it with this warning (IST0133). */
  warning?: string;
  /** Filters named without typed_config (Istio's deprecation warning), when the value decodes strictly. */
  withoutTypedConfig?: string[];
}

/** Istio's verdict on a patch value, or undefined when ktriage cannot tell. */
export function patchValueVerdict(applyTo: string, value: unknown): PatchValueVerdict | undefined {
  const type = APPLY_TO[applyTo];
  if (!type || value === undefined || value === null) return undefined;
  try {
    const error = new Decoder(false).message(type, value);
    if (error) return { error: istioWording(`Envoy filter: ${error}`) };
    const warning = new Decoder(true).message(type, value);
    if (warning) return { warning: `Envoy filter: ${warning}` };
    const missing = namedWithoutTypedConfig(type, value);
    return missing.length > 0 ? { withoutTypedConfig: missing } : {};
  } catch (error) {
    if (error instanceof Unjudged) return undefined;
    throw error;
  }
}

function istioWording(error: string): string {
  if (!error.includes("could not resolve Any message type")) return error;
  return `referenced type unknown${error.includes(".v2.") ? " (hint: try using the v3 XDS API)" : ""}: ${error}`;
}

/** Istio's recurseMissingTypedConfig: singular message fields, depth first, a message after its children. */
function namedWithoutTypedConfig(type: string, value: unknown): string[] {
  const fields = registry().messages.get(type);
  if (!fields || !isObject(value)) return [];
  const read = (field: Field) => value[field.json] ?? value[field.name];
  const found: string[] = [];
  let requires = false;
  let has = false;
  for (const field of fields) {
    const raw = read(field);
    const set = raw !== undefined && raw !== null;
    if (field.json === "typedConfig") requires = true;
    if ((field.json === "typedConfig" || field.json === "configDiscovery") && set) has = true;
    if (set && field.kind === "message" && field.label === "") found.push(...namedWithoutTypedConfig(field.type, raw));
  }
  if (requires && !has) {
    const name = fields.find((field) => field.json === "name");
    found.push(name ? String(read(name) ?? "") : "");
  }
  return found;
}
