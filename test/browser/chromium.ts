import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium, installed by scripts/browser/ensure-chromium.sh when missing (never a browser download). */
export function chromiumPath(): string {
  const script = resolve(import.meta.dirname, "../../scripts/browser/ensure-chromium.sh");
  return execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 900_000 }).trim();
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and page errors, as Chromium reported them. */
  errors: string[];
  /** Every request the page tried to make besides loading itself. */
  requests: string[];
}

/** Opens a file:// page with every request intercepted: the page itself is served, anything else is recorded and aborted. */
export async function openFile(browser: Browser, path: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const url = `file://${path}`;
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await context.route("**/*", (route) => {
    const target = route.request().url();
    if (target === url) return route.continue();
    requests.push(target);
    return route.abort();
  });
  page.on("request", (request) => {
    if (request.url() !== url && !requests.includes(request.url())) requests.push(request.url());
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, errors, requests };
}
