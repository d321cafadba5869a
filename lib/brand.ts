// Merchant brand colours are chosen by merchants, so the text on them is chosen by contrast.

function channel(hex: string, offset: number): number {
  const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black, whichever reads better on the brand colour. */
export function inkOn(background: string): "#ffffff" | "#1c1917" {
  return contrastRatio(background, "#ffffff") >= contrastRatio(background, "#1c1917") ? "#ffffff" : "#1c1917";
}

/**
 * The brand colour darkened until it reads as text on a light page (4.5:1 against #fafaf9), for
 * links and accents; a pale brand colour would otherwise fail contrast.
 */
export function readableAccent(hex: string, page = "#fafaf9"): string {
  let [r, g, b] = [1, 3, 5].map((o) => parseInt(hex.slice(o, o + 2), 16)) as [number, number, number];
  for (let i = 0; i < 40 && contrastRatio(toHex(r, g, b), page) < 4.5; i++) {
    [r, g, b] = [r * 0.9, g * 0.9, b * 0.9];
  }
  return toHex(r, g, b);
}

function toHex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
}
