import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { chromiumLaunchOptions } from "../testing/chromium";

// Lighthouse (pinned 12.2.3, the last to declare Node 20) on Debian's Chromium, with its default
// mobile settings: a mid-range phone, simulated slow 4G and a 4× slower CPU. For bench/pages.ts.

export type LighthouseScore = {
  performance: number;
  accessibility: number;
  /** Largest Contentful Paint and Total Blocking Time under the simulated phone, in ms. */
  lcp: number;
  tbt: number;
  cls: number;
};

/** Scores (0-100) for each page, one Chromium for all of them; `cookie` is sent with every request. */
export async function lighthouseScores(urls: string[], cookie?: string): Promise<Map<string, LighthouseScore>> {
  const chrome = await chromeLauncher.launch({
    chromePath: chromiumLaunchOptions.executablePath,
    chromeFlags: chromiumLaunchOptions.args,
  });
  const scores = new Map<string, LighthouseScore>();
  try {
    for (const url of urls) {
      const result = await lighthouse(url, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
        extraHeaders: cookie ? { Cookie: cookie } : undefined,
      });
      const lhr = result?.lhr;
      if (!lhr) throw new Error(`Lighthouse returned nothing for ${url}`);
      if (lhr.runtimeError) throw new Error(`Lighthouse could not load ${url}: ${lhr.runtimeError.message}`);
      const audit = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
      scores.set(url, {
        performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
        accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
        lcp: audit("largest-contentful-paint"),
        tbt: audit("total-blocking-time"),
        cls: audit("cumulative-layout-shift"),
      });
    }
  } finally {
    chrome.kill();
  }
  return scores;
}
