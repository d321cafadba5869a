import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import { connection } from "next/server";
import "./globals.css";

// Inter, served from the app itself (no font CDN).
const inter = localFont({
  src: "./fonts/inter-latin-wght-normal.woff2",
  variable: "--font-inter",
  display: "swap",
  weight: "100 900",
});

export const metadata: Metadata = {
  title: { default: "Order status", template: "%s · Order status" },
  description: "Where your order is, when it will really ship, and what you can do about it.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#fafaf9" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request, so Next can put this response's CSP nonce (proxy.ts) on its scripts.
  await connection();
  return (
    <html lang="en" className={inter.variable}>
      <body className="min-h-dvh font-sans">{children}</body>
    </html>
  );
}
