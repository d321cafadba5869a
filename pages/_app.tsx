import type { AppProps } from "next/app";
import localFont from "next/font/local";
import Head from "next/head";
import "@/app/globals.css";

// The shopper pages (Pages Router). Inter, served from the app itself (no font CDN), as in the
// support console's app/layout.tsx; set by its class here, since Tailwind's font-sans resolves
// --font-inter on <html>, which _document cannot reach.
const inter = localFont({
  src: "../app/fonts/inter-latin-wght-normal.woff2",
  variable: "--font-inter",
  display: "swap",
  weight: "100 900",
});

export default function ShopperApp({ Component, pageProps }: AppProps) {
  return (
    <div className={`${inter.variable} ${inter.className}`}>
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          name="description"
          content="Where your order is, when it will really ship, and what you can do about it."
        />
      </Head>
      <Component {...pageProps} />
    </div>
  );
}
