/** `{name}` placeholders in a message template. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The template with every `{name}` filled from `data`, in one pass (a value is never read as a template); `missing` says what to do about a name `data` lacks. */
export function fillTemplate(template: string, data: Readonly<Record<string, string | number>> | undefined, missing: (name: string) => never): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = data?.[name];
    if (value === undefined) missing(name);
    return String(value);
  });
}

/** The placeholders a template names. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}
