import { Head, Html, Main, NextScript } from "next/document";

export default function ShopperDocument() {
  return (
    <Html lang="en">
      <Head>
        <meta name="theme-color" content="#fafaf9" />
      </Head>
      <body className="min-h-dvh">
        <Main />
        <NextScript />
      </body>
    </Html>
  );
}
