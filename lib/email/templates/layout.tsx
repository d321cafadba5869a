import { Body, Container, Head, Hr, Html, Img, Link, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import { inkOn, readableAccent } from "../../brand";

export type EmailBrand = { name: string; brandColor: string; logoUrl: string | null; supportEmail: string };

export const portalBrand: EmailBrand = { name: "Order status", brandColor: "#292524", logoUrl: null, supportEmail: "" };

/**
 * The frame of every email: the merchant's name and colour on top, the content, and a footer with
 * the links every email carries (the order, preferences, unsubscribe). Tables and inline styles,
 * readable on a phone; dark mode keeps enough contrast because text colours are set explicitly.
 */
export function EmailLayout(props: {
  brand: EmailBrand;
  preview: string;
  /** The document title (screen readers announce it; some clients show it). */
  title?: string;
  appUrl: string;
  children: ReactNode;
  footerLinks?: { label: string; href: string }[];
}) {
  const { brand, appUrl } = props;
  const logo = brand.logoUrl ? (brand.logoUrl.startsWith("http") ? brand.logoUrl : `${appUrl}${brand.logoUrl}`) : null;
  return (
    <Html lang="en">
      <Head>
        <title>{props.title ?? brand.name}</title>
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
      </Head>
      <Preview>{props.preview}</Preview>
      <Body
        style={{
          backgroundColor: "#f5f5f4",
          margin: 0,
          padding: "16px 0",
          fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
        }}
      >
        <Container style={{ maxWidth: "560px", margin: "0 auto", backgroundColor: "#ffffff", borderRadius: "8px" }}>
          <Section style={{ backgroundColor: brand.brandColor, padding: "16px 24px" }}>
            {logo ? (
              <Img
                src={logo}
                alt=""
                width="28"
                height="28"
                style={{ display: "inline-block", verticalAlign: "middle", marginRight: "10px", borderRadius: "4px" }}
              />
            ) : null}
            <Text
              style={{
                display: "inline-block",
                verticalAlign: "middle",
                margin: 0,
                color: inkOn(brand.brandColor),
                fontSize: "18px",
                fontWeight: 700,
              }}
            >
              {brand.name}
            </Text>
          </Section>
          <Section style={{ padding: "8px 24px 16px", color: "#1c1917", fontSize: "16px", lineHeight: "24px" }}>
            {props.children}
          </Section>
          <Hr style={{ borderColor: "#e7e5e4", margin: 0 }} />
          <Section style={{ padding: "12px 24px 20px" }}>
            {props.footerLinks?.length ? (
              <Text style={{ margin: "0 0 8px", fontSize: "13px", lineHeight: "20px", color: "#57534e" }}>
                {props.footerLinks.map((link, i) => (
                  <span key={link.href}>
                    {i > 0 ? " · " : null}
                    <Link
                      href={link.href}
                      style={{ color: readableAccent(brand.brandColor, "#ffffff"), textDecoration: "underline" }}
                    >
                      {link.label}
                    </Link>
                  </span>
                ))}
              </Text>
            ) : null}
            {brand.supportEmail ? (
              <Text style={{ margin: 0, fontSize: "13px", lineHeight: "20px", color: "#57534e" }}>
                Questions? Reply to this email or write to {brand.supportEmail}.
              </Text>
            ) : null}
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

/** A button as email clients render it (a padded link). */
export function EmailButton({ href, children, color }: { href: string; children: ReactNode; color: string }) {
  return (
    <Link
      href={href}
      style={{
        display: "inline-block",
        backgroundColor: color,
        color: inkOn(color),
        padding: "12px 20px",
        borderRadius: "6px",
        fontWeight: 600,
        textDecoration: "none",
      }}
    >
      {children}
    </Link>
  );
}
