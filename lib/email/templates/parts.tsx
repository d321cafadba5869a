import { Heading, Link, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import { readableAccent } from "../../brand";
import { formatDay, formatWindow, shipsPhrase, type IsoDate } from "../../dates";
import { EmailButton, EmailLayout, type EmailBrand } from "./layout";

// Pieces shared by the order emails: the frame with the links every one of them carries, the
// heading, an item with its dates, and the wording of windows and money.

/** The links every order email carries. */
export type OrderLinks = {
  /** The signed read-only status page (no sign-in). */
  view: string;
  /** The signed-in order page, where the shopper can act. */
  manage: string;
  /** The shopper's email choices (and unsubscribing from ETA updates). */
  preferences: string;
};

export type OrderEmailBase = {
  brand: EmailBrand;
  appUrl: string;
  orderNumber: string;
  customerName: string | null;
  links: OrderLinks;
};

export const muted = "#57534e";
export const ink = "#1c1917";

/** A link the email asks the shopper to follow. */
export type EmailAction = { label: string; href: string };

/**
 * Every order email reads the same way: a heading, a greeting, the body, and at the end the
 * actions, when it has any.
 */
export function OrderEmail(
  props: OrderEmailBase & { preview: string; heading: ReactNode; actions?: EmailAction[]; children: ReactNode },
) {
  return (
    <EmailLayout
      brand={props.brand}
      appUrl={props.appUrl}
      preview={props.preview}
      title={`${props.brand.name}: order ${props.orderNumber}`}
      footerLinks={[
        { label: `Order ${props.orderNumber} status`, href: props.links.view },
        { label: "Manage your order", href: props.links.manage },
        { label: "Email preferences and unsubscribe", href: props.links.preferences },
      ]}
    >
      <Title>{props.heading}</Title>
      <Greeting name={props.customerName} />
      {props.children}
      {props.actions ? <Actions brand={props.brand} actions={props.actions} /> : null}
    </EmailLayout>
  );
}

function Title({ children }: { children: ReactNode }) {
  return (
    <Heading
      as="h1"
      style={{ margin: "16px 0 8px", fontSize: "22px", lineHeight: "28px", fontWeight: 700, color: ink }}
    >
      {children}
    </Heading>
  );
}

function Greeting({ name }: { name: string | null }) {
  return <Text style={{ margin: "8px 0" }}>{name ? `Hi ${name.split(" ")[0]},` : "Hello,"}</Text>;
}

export function Paragraph({ children, small }: { children: ReactNode; small?: boolean }) {
  return (
    <Text
      style={
        small
          ? { margin: "8px 0", fontSize: "14px", lineHeight: "20px", color: muted }
          : { margin: "8px 0", color: ink }
      }
    >
      {children}
    </Text>
  );
}

/** One item of the order: its name in bold, then a line or two about it. */
export function Item({ title, quantity, children }: { title: string; quantity?: number; children?: ReactNode }) {
  return (
    <Section style={{ margin: "12px 0", padding: "12px 16px", backgroundColor: "#f5f5f4", borderRadius: "6px" }}>
      <Text style={{ margin: 0, fontWeight: 700, color: ink }}>
        {title}
        {quantity && quantity > 1 ? ` × ${quantity}` : ""}
      </Text>
      {children}
    </Section>
  );
}

export function ItemDetail({ children, strong }: { children: ReactNode; strong?: boolean }) {
  return (
    <Text
      style={{
        margin: "4px 0 0",
        fontSize: "15px",
        lineHeight: "22px",
        color: strong ? ink : muted,
        fontWeight: strong ? 600 : 400,
      }}
    >
      {children}
    </Text>
  );
}

function Buttons({ children }: { children: ReactNode }) {
  return <Section style={{ margin: "16px 0 8px" }}>{children}</Section>;
}

function PrimaryButton({ brand, href, children }: { brand: EmailBrand; href: string; children: ReactNode }) {
  return (
    <EmailButton href={href} color={brand.brandColor}>
      {children}
    </EmailButton>
  );
}

/** A second action, as a plain link under the button (two buttons side by side break on phones). */
function SecondaryLink({ brand, href, children }: { brand: EmailBrand; href: string; children: ReactNode }) {
  return (
    <Text style={{ margin: "12px 0 0" }}>
      <Link
        href={href}
        style={{ color: readableAccent(brand.brandColor, "#ffffff"), fontWeight: 600, textDecoration: "underline" }}
      >
        {children}
      </Link>
    </Text>
  );
}

/** The first action is the button; any others are links under it. */
export function Actions({ brand, actions }: { brand: EmailBrand; actions: EmailAction[] }) {
  const [primary, ...secondary] = actions;
  return (
    <Buttons>
      {primary ? (
        <PrimaryButton brand={brand} href={primary.href}>
          {primary.label}
        </PrimaryButton>
      ) : null}
      {secondary.map((action) => (
        <SecondaryLink key={action.href} brand={brand} href={action.href}>
          {action.label}
        </SecondaryLink>
      ))}
    </Buttons>
  );
}

/** "Ships between Fri, Dec 12 and Tue, Dec 16", or the honest sentence when there is no date. */
export function shipsText(start: IsoDate | null, end: IsoDate | null): string {
  if (!start || !end) return "The supplier has not confirmed a date yet; we will email you when they do.";
  return shipsPhrase(start, end);
}

export function windowText(start: IsoDate | null, end: IsoDate | null): string {
  if (!start || !end) return "no date yet";
  return start === end ? formatDay(start) : formatWindow(start, end);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

export function money(minor: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    moneyFormats.set(currency, format);
  }
  return format.format(minor / 100);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "Trail Jacket", "Trail Jacket and Headlamp", "3 items". */
export function itemsLabel(titles: string[]): string {
  if (titles.length === 1) return titles[0]!;
  if (titles.length === 2) return `${titles[0]} and ${titles[1]}`;
  return plural(titles.length, "item");
}

export const sampleBrand: EmailBrand = {
  name: "Northwind Outfitters",
  brandColor: "#1d4ed8",
  logoUrl: null,
  supportEmail: "help@northwind.example",
};

export const sampleBase: OrderEmailBase = {
  brand: sampleBrand,
  appUrl: "http://localhost:3000",
  orderNumber: "#1042",
  customerName: "Maya Lindqvist",
  links: {
    view: "http://localhost:3000/o/sample-view-token",
    manage: "http://localhost:3000/orders/00000000-0000-4000-8000-000000000000",
    preferences: "http://localhost:3000/preferences/sample-preferences-token",
  },
};
