import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import type { Document, Node } from "yaml";
import type { FieldLocator, KubeObject, Origin } from "../model/kube.js";
import { JsonLines } from "./json-lines.js";
import { findJsonSyntaxError } from "../util/json-syntax.js";
import { checkExpansion, describeBytes, jsonTooDeep, LimitError, PARSE_LIMITS, valueTooDeep, yamlTooDeep } from "../util/limits.js";
import { BlockYamlLines } from "./yaml-lines.js";
import { yamlPackage } from "../util/yaml-package.js";

export interface ParsedObject {
  object: KubeObject;
  origin: Origin;
  locate?: FieldLocator;
}

export interface ParseResult {
  objects: ParsedObject[];
  problems: { origin: Origin; message: string }[];
}

/** Files above this size are parsed without field positions (JSON.parse), to keep large snapshots fast. */
export const POSITION_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Parses kubectl JSON or YAML: a single object, a `List`, or multi-document
 * YAML. Each object keeps its file and line; YAML (and small JSON) also keep a
 * locator for the line of any field. Bad documents are reported with their
 * line and skipped; the others are kept.
 */
export function parseKubeDocuments(text: string, file: string): ParseResult {
  const trimmed = text.trimStart();
  const looksJson = trimmed.startsWith("{") || trimmed.startsWith("[");
  if (looksJson) {
    const parsed = parseJson(text);
    const deep = parsed === undefined || valueTooDeep(parsed.value) ? jsonTooDeep(text) : undefined;
    if (deep) return { objects: [], problems: [{ origin: { file, line: deep.line }, message: `JSON nests deeper than ${PARSE_LIMITS.maxDepth} levels at byte offset ${deep.offset}; not read` }] };
    if (text.length > POSITION_LIMIT_BYTES) return parsed ? objectsOfLargeJson(parsed.value, file) : largeInvalidJson(text, file);
    return parsed ? objectsWithLines(parsed.value, text, file) : invalidJson(text, file);
  }
  if (text.length > PARSE_LIMITS.maxYamlBytes) {
    return { objects: [], problems: [{ origin: { file, line: 1 }, message: `YAML of ${describeBytes(text.length)}, over the ${describeBytes(PARSE_LIMITS.maxYamlBytes)} read as YAML: give it as JSON (kubectl get -o json) or split it` }] };
  }
  const result = parseYamlDocuments(text, file) ?? parseWithPositions(text, file);
  if (/\.json$/i.test(file) && result.objects.length > 0) {
    result.problems.unshift({ origin: { file, line: 1 }, message: "note: this .json file is YAML, not JSON; read as YAML" });
  }
  return result;
}

/**
 * Text that starts like JSON but is not JSON (NaN, 0x1F, a trailing comma, a
 * cut-off file). It is read as YAML only when it is valid YAML with no
 * problem at all, and the note says so; otherwise the JSON error is reported
 * with its line, column and byte offset.
 */
function invalidJson(text: string, file: string): ParseResult {
  const error = findJsonSyntaxError(text);
  const where = error ? `line ${error.line}, column ${error.column}, byte offset ${error.offset}: ${error.message}` : "not valid JSON";
  const asYaml = text.length <= PARSE_LIMITS.maxYamlBytes && !yamlTooDeep(text) ? parseWithPositions(text, file) : undefined;
  if (asYaml && asYaml.problems.length === 0 && asYaml.objects.length > 0) {
    asYaml.problems.push({ origin: { file, line: error?.line ?? 1 }, message: `note: not valid JSON (${where}); it is valid YAML and was read as YAML` });
    return asYaml;
  }
  return { objects: [], problems: [{ origin: { file, line: error?.line ?? 1 }, message: `invalid JSON at ${where}` }] };
}

/** Aliases (`*name`) and merge keys (`<<`) are what make a YAML document expand; without them there is nothing to count. */
function mayExpand(text: string): boolean {
  return text.includes("*") || text.includes("<<");
}

/** The value of one YAML document, held to the expansion limit; a LimitError says why it was not read. */
function boundedValue(value: unknown, text: string): unknown {
  if (mayExpand(text)) checkExpansion(value, Math.max(PARSE_LIMITS.maxExpandedValues, text.length));
  return value;
}

const DOCUMENT_MARKER = /^---(?:[ \t]*(?:#.*)?)$/;
const DOCUMENT_END = /^\.\.\.[ \t]*$/;

interface DocumentText {
  text: string;
  /** 1-based line of the document's first line in the file. */
  firstLine: number;
}

/** Multi-document YAML split at its `---` lines; undefined when the layout needs the full parser (directives, content after `---`). */
function splitDocuments(text: string): DocumentText[] | undefined {
  const lines = text.split("\n");
  const documents: DocumentText[] = [];
  let start = 0;
  const flush = (end: number) => {
    if (end > start) documents.push({ text: lines.slice(start, end).join("\n"), firstLine: start + 1 });
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.startsWith("%")) return undefined;
    if (!line.startsWith("---") && !line.startsWith("...")) continue;
    if (DOCUMENT_MARKER.test(line.trimEnd()) || DOCUMENT_END.test(line)) {
      flush(index);
      start = index + 1;
    } else if (line.startsWith("---")) {
      return undefined;
    }
  }
  flush(lines.length);
  return documents;
}

/**
 * YAML read document by document with js-yaml, and field positions computed
 * only when a finding asks for one (the positional parser is several times
 * slower and most objects are never cited). A document js-yaml rejects goes
 * through the positional parser, which says where and why.
 */
function parseYamlDocuments(text: string, file: string): ParseResult | undefined {
  const documents = splitDocuments(text);
  if (!documents) return undefined;
  const result: ParseResult = { objects: [], problems: [] };
  documents.forEach((document, index) => {
    const deep = yamlTooDeep(document.text);
    if (deep) {
      result.problems.push({ origin: { file, line: deep.line + document.firstLine - 1 }, message: `YAML (document ${index + 1}) nests deeper than ${PARSE_LIMITS.maxDepth} levels; not read` });
      return;
    }
    let value: unknown;
    try {
      value = boundedValue(loadYaml(document.text, { schema: CORE_SCHEMA, json: true }), document.text);
    } catch (error) {
      if (error instanceof LimitError || error instanceof RangeError) {
        result.problems.push({ origin: { file, line: document.firstLine }, message: `YAML (document ${index + 1}) ${error instanceof LimitError ? error.message : "is too deeply nested to read"}` });
        return;
      }
      const detailed = parseWithPositions(document.text, file);
      for (const problem of detailed.problems) {
        result.problems.push({
          origin: { file, line: (problem.origin.line ?? 1) + document.firstLine - 1 },
          message: problem.message.replace("(document 1)", `(document ${index + 1})`),
        });
      }
      for (const parsed of detailed.objects) {
        result.objects.push({ ...parsed, origin: { file, line: (parsed.origin.line ?? 1) + document.firstLine - 1 }, locate: shiftLocator(parsed.locate, document.firstLine - 1) });
      }
      return;
    }
    if (value === null || value === undefined) return;
    const firstContent = firstContentLine(document);
    collectObjects(value, { file, line: firstContent }, lazyPositions(document, firstContent), result, []);
  });
  return result;
}

function firstContentLine(document: DocumentText): number {
  const lines = document.text.split("\n");
  const index = lines.findIndex((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
  return document.firstLine + Math.max(0, index);
}

function shiftLocator(locate: FieldLocator | undefined, offset: number): FieldLocator | undefined {
  return locate ? (path) => {
    const line = locate(path);
    return line === undefined ? undefined : line + offset;
  } : undefined;
}

/**
 * Field lines of one YAML document: by indentation for block style, from the positional parser (run the
 * first time it is needed) otherwise. `firstContent`: the line of the document's first key, the object's own line.
 */
function lazyPositions(document: DocumentText, firstContent: number): Locators {
  let parsed: { doc: Document.Parsed; lineAt: (offset: number | undefined) => number | undefined } | undefined;
  const load = () => {
    if (!parsed) {
      const lineCounter = new (yamlPackage().LineCounter)();
      const doc = yamlPackage().parseAllDocuments(document.text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: false }) as Document.Parsed[];
      const first = Array.isArray(doc) ? doc[0]! : (doc as unknown as Document.Parsed);
      parsed = { doc: first, lineAt: (offset) => (offset === undefined ? undefined : lineCounter.linePos(offset).line + document.firstLine - 1) };
    }
    return parsed;
  };
  let block: BlockYamlLines | undefined;
  const lineOf = (full: ReadonlyArray<string | number>) => {
    if (full.length === 0) return firstContent;
    block ??= new BlockYamlLines(document.text, document.firstLine);
    const line = block.deepestLineOf(full);
    if (line !== undefined) return line;
    const { doc, lineAt } = load();
    return deepestLine(doc, lineAt, full);
  };
  return {
    locate: (prefix) => (path) => lineOf([...prefix, ...path]),
    lineAt: (path) => lineOf(path),
  };
}

/** The value of JSON text, or undefined when it is not valid JSON. */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** The objects of parsed JSON, with field lines found on demand in its text. */
function objectsWithLines(value: unknown, text: string, file: string): ParseResult {
  const result: ParseResult = { objects: [], problems: [] };
  const lines = new JsonLines(text, value);
  const locate = (prefix: ReadonlyArray<string | number>): FieldLocator => {
    let base: number | undefined;
    return (path) => {
      base ??= lines.offsetOf(prefix);
      return base === undefined ? undefined : lines.lineBelow(base, path);
    };
  };
  const lineAt = (path: ReadonlyArray<string | number>) => {
    const offset = lines.offsetOf(path);
    return offset === undefined ? undefined : lines.lineOf(offset);
  };
  collectObjects(value, { file, line: lines.lineOf(text.length - text.trimStart().length) }, { locate, lineAt }, result, []);
  return result;
}

/** The objects of parsed JSON too large to keep field lines for. */
function objectsOfLargeJson(value: unknown, file: string): ParseResult {
  const result: ParseResult = { objects: [], problems: [] };
  collectObjects(value, { file, line: 1 }, undefined, result);
  return result;
}

function largeInvalidJson(text: string, file: string): ParseResult {
  const error = findJsonSyntaxError(text);
  return { objects: [], problems: [{ origin: { file, line: error?.line ?? 1 }, message: error ? `invalid JSON at line ${error.line}, column ${error.column}, byte offset ${error.offset}: ${error.message}` : "invalid JSON" }] };
}

function parseWithPositions(text: string, file: string): ParseResult {
  const result: ParseResult = { objects: [], problems: [] };
  const deep = yamlTooDeep(text);
  if (deep) {
    result.problems.push({ origin: { file, line: deep.line }, message: `YAML nests deeper than ${PARSE_LIMITS.maxDepth} levels; not read` });
    return result;
  }
  const lineCounter = new (yamlPackage().LineCounter)();
  let documents: Document.Parsed[];
  try {
    documents = yamlPackage().parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: false }) as Document.Parsed[];
  } catch (error) {
    result.problems.push({ origin: { file, line: 1 }, message: `cannot parse: ${error instanceof Error ? error.message : String(error)}` });
    return result;
  }
  if (!Array.isArray(documents)) documents = [documents as unknown as Document.Parsed];
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  const looksJson = /^\s*[[{]/.test(text);

  documents.forEach((doc, index) => {
    const startLine = lineAt(doc.contents?.range?.[0] ?? doc.range?.[0]) ?? 1;
    if (doc.errors.length > 0) {
      const error = doc.errors[0]!;
      const line = lineAt(error.pos[0]) ?? startLine;
      const what = looksJson ? describeJsonishYamlError(error.message) : firstLine(error.message);
      result.problems.push({ origin: { file, line }, message: `${looksJson ? "invalid JSON" : "invalid YAML"} (document ${index + 1}): ${what}` });
      return;
    }
    if (doc.contents === null) return; // empty document between separators
    let value: unknown;
    try {
      value = boundedValue(doc.toJS({ maxAliasCount: 100 }), text);
    } catch (error) {
      const why = error instanceof LimitError ? error.message : error instanceof RangeError ? "is too deeply nested to read" : error instanceof Error ? error.message : String(error);
      result.problems.push({ origin: { file, line: startLine }, message: `cannot read document ${index + 1}: ${why}` });
      return;
    }
    const locate = (prefix: ReadonlyArray<string | number>): FieldLocator => (path) => deepestLine(doc, lineAt, [...prefix, ...path]);
    collectObjects(value, { file, line: startLine }, { locate, lineAt: (path) => locate(path)([]) }, result, []);
  });
  return result;
}

/** Line of the field at `full`, or of the deepest part of that path the document has. */
function deepestLine(doc: Document.Parsed, lineAt: (offset: number | undefined) => number | undefined, full: ReadonlyArray<string | number>): number | undefined {
  for (let depth = full.length; depth >= 0; depth--) {
    const node = doc.getIn(full.slice(0, depth), true) as Node | undefined;
    const line = lineAt(keyOffset(doc, full.slice(0, depth)) ?? node?.range?.[0]);
    if (line !== undefined) return line;
  }
  return undefined;
}

/** The offset of the key of a mapping entry, so that a finding points at `key:` rather than its value. */
function keyOffset(doc: Document.Parsed, path: ReadonlyArray<string | number>): number | undefined {
  if (path.length === 0) return undefined;
  const parent = doc.getIn(path.slice(0, -1), true) as Node | undefined;
  const last = path[path.length - 1];
  if (parent && yamlPackage().isMap(parent)) {
    const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === last);
    const keyNode = pair?.key as Node | undefined;
    return keyNode?.range?.[0];
  }
  if (parent && yamlPackage().isSeq(parent) && typeof last === "number") {
    return (parent.items[last] as Node | undefined)?.range?.[0];
  }
  return undefined;
}

interface Locators {
  locate: (prefix: ReadonlyArray<string | number>) => FieldLocator;
  lineAt: (path: ReadonlyArray<string | number>) => number | undefined;
}

/** Typed lists (`PodList` from `kubectl cluster-info dump`) omit kind and apiVersion on their items. */
interface ItemDefaults {
  kind: string;
  apiVersion?: string;
}

function collectObjects(value: unknown, origin: Origin, locators: Locators | undefined, result: ParseResult, path: (string | number)[] = [], defaults?: ItemDefaults): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectObjects(item, originAt(origin, locators, [...path, i]), locators, result, [...path, i]));
    return;
  }
  if (typeof value !== "object") {
    result.problems.push({ origin, message: `expected a Kubernetes object, found a ${typeof value} (a document that is a single value)` });
    return;
  }
  let record = value as Record<string, unknown>;
  if ((typeof record.kind !== "string" || record.kind === "") && defaults) {
    record = { apiVersion: defaults.apiVersion, kind: defaults.kind, ...record };
  }
  if (typeof record.kind !== "string" || record.kind === "") {
    result.problems.push({ origin, message: "document has no kind: expected a Kubernetes object with apiVersion and kind" });
    return;
  }
  if (record.kind === "List" || (record.kind.endsWith("List") && Array.isArray(record.items))) {
    const items = Array.isArray(record.items) ? record.items : [];
    const itemDefaults = record.kind === "List" ? undefined : { kind: record.kind.slice(0, -"List".length), apiVersion: typeof record.apiVersion === "string" ? record.apiVersion : undefined };
    items.forEach((item, i) => collectObjects(item, originAt(origin, locators, [...path, "items", i]), locators, result, [...path, "items", i], itemDefaults));
    return;
  }
  const misTyped = misTypedIdentity(record);
  if (misTyped) {
    result.problems.push({ origin, message: `${record.kind}: ${misTyped}; the object is not read` });
    return;
  }
  const metadata = record.metadata;
  if (metadata !== undefined && (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))) {
    result.problems.push({ origin, message: `${record.kind}: metadata is not a mapping` });
    return;
  }
  const object = { ...record, metadata: (metadata as KubeObject["metadata"]) ?? {} } as KubeObject;
  result.objects.push(locators ? { object, origin, locate: locators.locate(path) } : { object, origin });
}

/** The fields every object is indexed by must be strings (`apiVersion: 1`, `name: 12` are written by mistake). */
function misTypedIdentity(record: Record<string, unknown>): string | undefined {
  if (record.apiVersion !== undefined && typeof record.apiVersion !== "string") return `apiVersion is ${describeType(record.apiVersion)}, expected a string such as v1 or apps/v1`;
  const metadata = record.metadata;
  if (metadata && typeof metadata === "object" && !Array.isArray(metadata)) {
    for (const key of ["name", "namespace", "generateName", "uid"]) {
      const field = (metadata as Record<string, unknown>)[key];
      if (field !== undefined && field !== null && typeof field !== "string") return `metadata.${key} is ${describeType(field)}, expected a string`;
    }
  }
  return undefined;
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}

/** The origin of an item inside a List: its line is found only when something reads it (most are never cited). */
function originAt(origin: Origin, locators: Locators | undefined, path: (string | number)[]): Origin {
  if (!locators) return origin;
  let line: number | undefined;
  let found = false;
  return {
    file: origin.file,
    get line(): number | undefined {
      if (!found) {
        line = locators.lineAt(path) ?? origin.line;
        found = true;
      }
      return line;
    },
  };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function describeJsonishYamlError(message: string): string {
  const first = firstLine(message);
  if (/Missing closing|Unexpected end|flow collection/i.test(first)) return "truncated or unbalanced JSON (missing closing bracket or brace)";
  return first;
}
