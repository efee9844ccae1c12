import { createHash } from "node:crypto";
import type { Place } from "./service.ts";

/** A printable award certificate (销售冠军、亚军、季军 · 获取奖证书): A4 landscape, zh-CN or en. */

export type Lang = "zh-CN" | "en";

const TITLES: Record<Lang, Record<Place, string>> = {
  "zh-CN": { champion: "销售冠军", runnerUp: "销售亚军", third: "销售季军" },
  en: { champion: "Sales Champion", runnerUp: "Sales Runner-up", third: "Sales Third Place" },
};

/** The certificate's one style sheet, inline so that the page prints on its own. */
const CERTIFICATE_STYLE = `
  @page { size: A4 landscape; margin: 0; }
  * { box-sizing: border-box; }
  html, body { margin: 0; padding: 0; background: #fff; color: #222; }
  body { font-family: "Noto Serif SC", "Songti SC", "SimSun", Georgia, serif; }
  .sheet { width: 297mm; height: 210mm; padding: 14mm; margin: 0 auto; }
  .frame { height: 100%; border: 3mm double #a8842c; padding: 16mm 22mm; display: flex; flex-direction: column;
    align-items: center; justify-content: space-between; text-align: center; }
  .club { font-size: 16pt; letter-spacing: 0.2em; margin: 0; }
  .heading { font-size: 30pt; letter-spacing: 0.3em; margin: 0; color: #8a6a1f; }
  .body { font-size: 15pt; margin: 0; }
  .title { font-size: 40pt; font-weight: bold; margin: 0; color: #b22222; }
  .name { font-size: 26pt; font-weight: bold; margin: 0; }
  .revenue, .contract { font-size: 13pt; margin: 0; }
  .sign { align-self: flex-end; font-size: 13pt; margin: 0; }
  @media screen { body { background: #eee; } .sheet { background: #fff; margin: 10mm auto; box-shadow: 0 0 4mm #999; } }
  @media print { .sheet { page-break-after: always; } }
`;

/**
 * The certificate page's Content-Security-Policy: nothing loads but its own style sheet,
 * allowed by its hash (no script at all, no inline style attribute).
 */
export const CERTIFICATE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(CERTIFICATE_STYLE).digest("base64")}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

function money(yuan: number, lang: Lang): string {
  const n = new Intl.NumberFormat(lang === "en" ? "en-US" : "zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(yuan);
  return `¥${n}`;
}

export function certificateHtml(input: { lang: Lang; place: Place; year: string; club: string; name: string; revenue: number }): string {
  const { lang, place, year } = input;
  const title = TITLES[lang][place];
  const club = escapeHtml(input.club);
  const name = escapeHtml(input.name);
  const revenue = escapeHtml(money(input.revenue, lang));
  const text =
    lang === "zh-CN"
      ? {
          heading: "荣誉证书",
          body: `${name} 在 ${year} 年度累计完成业务收入指标且名列前茅，荣获`,
          revenue: `年度业务收入：${revenue}`,
          contract: "特此表彰。获奖者可与公司签订两年劳动合同。",
          sign: "总经理办公室",
        }
      : {
          heading: "Certificate of Award",
          body: `${name} completed the annual revenue target for ${year} and ranked among the best, and is awarded`,
          revenue: `Annual revenue: ${revenue}`,
          contract: "The award winner is eligible for a two-year employment contract.",
          sign: "General Manager's Office",
        };
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${year} · ${club}</title>
<style>${CERTIFICATE_STYLE}</style>
</head>
<body>
<main class="sheet">
  <div class="frame">
    <p class="club">${club}</p>
    <h1 class="heading">${escapeHtml(text.heading)}</h1>
    <p class="name">${name}</p>
    <p class="body">${text.body}</p>
    <p class="title">${escapeHtml(title)}</p>
    <p class="revenue">${text.revenue}</p>
    <p class="contract">${escapeHtml(text.contract)}</p>
    <p class="sign">${escapeHtml(text.sign)} · ${year}</p>
  </div>
</main>
</body>
</html>
`;
}
