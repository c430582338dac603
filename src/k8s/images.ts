/** What a few widely used images do at start that a manifest can break. */
export interface ImageFacts {
  /** Directories the image writes to at start (must be writable under readOnlyRootFilesystem). */
  writes: string[];
  /** Directories whose shipped contents the image needs (a ConfigMap mounted over them hides them). */
  needsContents: string[];
  /** The image's default user is root (runAsNonRoot without runAsUser is refused). */
  runsAsRoot?: boolean;
  /**
   * Directories the image declares as VOLUME: container runtimes (containerd, CRI-O) mount them as writable
   * directories of their own, so they stay writable under readOnlyRootFilesystem.
   */
  volumes?: string[];
  /** Port the image listens on by default. */
  defaultPort?: number;
}

/** Repository name (without registry and tag) -> facts. Matched on the last path segments. */
const FACTS: Array<[RegExp, ImageFacts]> = [
  [/(^|\/)nginx-unprivileged$/, { writes: ["/tmp"], needsContents: ["/etc/nginx"], runsAsRoot: false, defaultPort: 8080 }],
  [/(^|\/)nginx$/, { writes: ["/var/cache/nginx", "/var/run"], needsContents: ["/etc/nginx"], runsAsRoot: true, defaultPort: 80 }],
  [/(^|\/)httpd$/, { writes: ["/usr/local/apache2/logs"], needsContents: ["/usr/local/apache2/conf", "/usr/local/apache2"], runsAsRoot: true, defaultPort: 80 }],
  [/(^|\/)postgres$/, { writes: ["/var/run/postgresql", "/var/lib/postgresql/data"], volumes: ["/var/lib/postgresql/data"], needsContents: [], runsAsRoot: true }],
  [/(^|\/)mysql$|(^|\/)mariadb$/, { writes: ["/var/run/mysqld", "/var/lib/mysql", "/tmp"], volumes: ["/var/lib/mysql"], needsContents: ["/etc/mysql"], runsAsRoot: true }],
  [/(^|\/)redis$/, { writes: ["/data"], volumes: ["/data"], needsContents: [], runsAsRoot: true }],
  [/(^|\/)tomcat$/, { writes: ["/usr/local/tomcat/logs", "/usr/local/tomcat/temp", "/usr/local/tomcat/work"], needsContents: ["/usr/local/tomcat/conf"], runsAsRoot: true }],
  [/(^|\/)(elasticsearch|opensearch)$/, { writes: ["/usr/share/$1/config", "/usr/share/$1/data", "/usr/share/$1/logs", "/tmp"], needsContents: ["/usr/share/$1/config"] }],
  [/(^|\/)(open-liberty|websphere-liberty)$/, { writes: ["/logs", "/output"], needsContents: ["/config"] }],
  [/(^|\/)(busybox|alpine|ubuntu|debian|centos|fedora|node|python|golang|ruby|php|rabbitmq|memcached|mongo|traefik|haproxy|caddy)$/, { writes: [], needsContents: [], runsAsRoot: true }],
];

/** Repository path of an image reference, lower-cased, without registry host, tag or digest. */
export function repositoryOf(image: string): string {
  let ref = image.split("@")[0]!;
  const lastSlash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split("/");
  if (parts.length > 1 && (parts[0]!.includes(".") || parts[0]!.includes(":") || parts[0] === "localhost")) parts.shift();
  return parts.join("/").toLowerCase();
}

export function imageFacts(image: unknown): ImageFacts | undefined {
  if (typeof image !== "string" || image === "") return undefined;
  const repository = repositoryOf(image);
  for (const [pattern, facts] of FACTS) {
    const match = pattern.exec(repository);
    if (!match) continue;
    const name = match[2] ?? "";
    const expand = (paths: string[]) => paths.map((p) => p.replace("$1", name));
    return { ...facts, writes: expand(facts.writes), needsContents: expand(facts.needsContents) };
  }
  return undefined;
}

/** Whether `path` is `dir` or inside it. */
export function isUnder(path: string, dir: string): boolean {
  const clean = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
  const a = clean(path);
  const b = clean(dir);
  return a === b || a.startsWith(b === "/" ? "/" : `${b}/`);
}

/**
 * Base OS images whose default CMD is an interactive shell (`/bin/sh`, `bash`): with no stdin or TTY the
 * shell reads end-of-file and exits 0 at once.
 */
export function defaultsToShell(image: unknown): boolean {
  if (typeof image !== "string" || image === "") return false;
  return /(^|\/)(alpine|busybox|ubuntu|debian|centos|fedora|rockylinux|almalinux|amazonlinux|archlinux|opensuse\/leap)$/.test(repositoryOf(image));
}

/** Programs often run in containers that the official alpine and busybox images do not have (busybox gives sh, wget, nc). */
const NOT_IN_ALPINE_OR_BUSYBOX = new Set(["bash", "zsh", "fish", "curl", "jq", "git", "python", "python3", "perl", "kubectl"]);
/** Shells and tools no distroless image has outside its `debug` tags (https://github.com/GoogleContainerTools/distroless). */
const NOT_IN_DISTROLESS = new Set(["sh", "ash", "bash", "dash", "zsh", "busybox", "sleep", "cat", "echo", "ls", "env", "printenv", "curl", "wget", "true", "date", "tail"]);

/**
 * Why `program` (a name or path, as command[0] gives it) cannot run in `image`, when that is known from the
 * image alone: the official alpine and busybox images have no bash, curl, jq...; distroless images have no
 * shell or coreutils at all, except their `debug` tags (a busybox shell). Undefined when it may be there.
 */
export function missingFromImage(image: unknown, program: string): string | undefined {
  if (typeof image !== "string" || image === "") return undefined;
  const name = program.slice(program.lastIndexOf("/") + 1);
  const repository = repositoryOf(image);
  const host = image.includes("/") && /[.:]|^localhost$/.test(image.split("/")[0]!) ? image.split("/")[0]! : "docker.io";
  if (["docker.io", "index.docker.io", "mirror.gcr.io"].includes(host) && /^(?:library\/)?(alpine|busybox)$/.test(repository) && NOT_IN_ALPINE_OR_BUSYBOX.has(name)) {
    return `the ${repository.replace(/^library\//, "")} image has no ${name}`;
  }
  if (host === "gcr.io" && repository.startsWith("distroless/") && NOT_IN_DISTROLESS.has(name)) {
    const reference = image.split("@")[0]!;
    const tag = reference.lastIndexOf(":") > reference.lastIndexOf("/") ? reference.slice(reference.lastIndexOf(":") + 1) : image.includes("@") ? undefined : "latest";
    // A digest alone does not say whether it is a debug image.
    if (tag === undefined || tag.includes("debug")) return undefined;
    return ["sh", "ash", "bash", "dash", "zsh", "busybox"].includes(name) ? `distroless images have no shell (${name})` : `distroless images have no ${name} (no shell, no coreutils)`;
  }
  return undefined;
}
