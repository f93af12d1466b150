// The real Mermaid (the npm package pinned in package.json) for the diagram tests: its parser
// in Node, and its renderer in a real Chromium through playwright-core.
//
// Parsing in Node: mermaid's ESM build imports DOMPurify, which without a DOM is a stub with no
// addHook/sanitize (DOMPurify's createDOMPurify returns early when window.document is missing).
// Sanitizing labels is rendering, not parsing, so a pass-through stands in for it here; the
// grammar (jison) that decides whether the text is a valid flowchart is Mermaid's own.
import * as fs from "fs";
import * as path from "path";
import { importEsm } from "./esm";

const ROOT = path.join(__dirname, "..", "..");

let mermaid: Promise<any> | undefined;

/** Mermaid's own parse: resolves with the diagram type, rejects with Mermaid's parse error. */
export async function mermaidParse(text: string): Promise<{ diagramType: string }> {
    mermaid ??= (async () => {
        const purify = (await importEsm(require.resolve("dompurify", { paths: [path.join(ROOT, "node_modules", "mermaid")] }).replace(/purify\.cjs\.js$/, "purify.es.mjs"))).default;
        if (typeof purify.addHook !== "function") {
            Object.assign(purify, { addHook: () => undefined, removeHook: () => undefined, removeAllHooks: () => undefined, sanitize: (s: string) => s });
        }
        return (await importEsm(path.join(ROOT, "node_modules", "mermaid", "dist", "mermaid.core.mjs"))).default;
    })();
    return (await mermaid).parse(text);
}

/**
 * Chromium to render with: $CHROMIUM, else Debian's /usr/bin/chromium (.ci/run installs it),
 * else the Google Chrome that GitHub's Ubuntu runners ship (the pull-request workflow);
 * undefined when there is none.
 */
export function chromiumPath(): string | undefined {
    for (const candidate of [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
        if (candidate && fs.existsSync(candidate)) return candidate;
    }
    return undefined;
}

/**
 * Renders `text` with Mermaid's defaults in a real Chromium and returns the SVG's natural size
 * (its viewBox: what it takes before `useMaxWidth` scales it into the page).
 */
export async function renderedSize(text: string, executablePath: string): Promise<{ width: number; height: number }> {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
    try {
        const page = await browser.newPage();
        await page.setContent("<!doctype html><html><body></body></html>");
        await page.addScriptTag({ path: path.join(ROOT, "node_modules", "mermaid", "dist", "mermaid.min.js") });
        return await page.evaluate(async (source: string) => {
            const m = (globalThis as any).mermaid;
            m.initialize({ startOnLoad: false });
            const { svg } = await m.render("diagram", source);
            const doc = (globalThis as any).document;
            doc.body.innerHTML = svg;
            const box = doc.querySelector("svg").viewBox.baseVal;
            return { width: Math.round(box.width), height: Math.round(box.height) };
        }, text);
    } finally {
        await browser.close();
    }
}
