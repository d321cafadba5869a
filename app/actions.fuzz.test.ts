import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import { skuSubstitutes } from "@/lib/db/schema/catalog";
import { isDomainError } from "@/lib/errors";
import {
  adminConnectShopify,
  adminDisconnectShopify,
  adminEndShopifyRotation,
  adminRotateEndpointSecret,
  adminSaveEndpoint,
  adminSetEndpointEnabled,
  agentResendDelivery,
  agentRetryShopifyWebhook,
} from "@/lib/integrations/console";
import { signToken } from "@/lib/links/tokens";
import { answerDelayNotice } from "@/lib/notifications/consent";
import { preferencesToken, readDelayToken, readPreferencesToken } from "@/lib/notifications/links";
import { savePreferences } from "@/lib/notifications/preferences";
import { cancelLines } from "@/lib/orders/cancel";
import { setFulfillmentPreference } from "@/lib/orders/preference";
import { swapLine } from "@/lib/orders/swap";
import { resolveClientAddress } from "@/lib/http/client-address";
import { parseTrustedProxies } from "@/lib/http/trusted-proxies";
import { hitRateLimits, signInChecks } from "@/lib/security/rate-limit";
import { isStorableText } from "@/lib/security/text";
import { addAgent, agentScope, type AgentScope } from "@/lib/support/access";
import { auditEntries, auditFilters, backorderBoard, boardCsv, boardQuery } from "@/lib/support/board";
import { addInternalNote, agentCancel, agentOverrideEta, agentSwap, resendNotification } from "@/lib/support/orders";
import { searchOrders } from "@/lib/support/search";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { createMerchant, createSku, day, placeOrder } from "@/testing/fixtures";
import { footprint, hostileForm, hostileHeader, hostileString } from "@/testing/hostile";
import { parseDelayAnswer } from "./delay/[token]/inputs";
import { parseCancel, parsePreference, parseSwap } from "./orders/[orderId]/inputs";
import { parsePreferences } from "./preferences/[token]/inputs";
import { parseSignIn } from "./signin/inputs";
import { parseAgentCancel, parseAgentSwap, parseNote, parseOverrideEta, parseResend } from "./support/inputs";
import {
  parseConnectShopify,
  parseResendWebhook,
  parseRetryShopifyWebhook,
  parseSaveEndpoint,
  parseSetEndpointEnabled,
  parseShop,
} from "./support/merchants/inputs";

// Every server action's input, fuzzed without a request: server actions need Next's request
// (auth(), headers), so each one's form parsing lives in a plain `inputs.ts` beside it, and here
// the same parse runs on hostile form data and the domain function the action calls runs on
// whatever the parse lets through, against the real database. Never a throw from a parse, a
// refusal is a sentence, whatever is accepted can be stored, and the domain either acts or refuses
// with a DomainError (the action's "expected failure") that changed no row. Any other error is
// what the action would log and answer "Something went wrong": the server action's 500.

const runs = Number(process.env.FUZZ_RUNS ?? 40);
const now = () => new Date();

let database: TestDatabase;
let ids: {
  merchantId: string;
  slug: string;
  orderId: string;
  lineId: number;
  readyLineId: number;
  toSkuId: string;
  notificationId: string;
};
let agent: AgentScope;
let admin: AgentScope;

beforeAll(async () => {
  database = await useFreshDatabase();
  const { db } = database;
  const m = await createMerchant(db, { slug: "fuzz-actions" });
  const cap = await createSku(db, m.id, { code: "CAP", onHand: 0, priceMinor: 2_500 });
  const hat = await createSku(db, m.id, { code: "HAT", onHand: 50, priceMinor: 2_000 });
  await db.insert(skuSubstitutes).values({ merchantId: m.id, skuId: cap.id, substituteSkuId: hat.id });
  const order = await placeOrder(
    db,
    m.id,
    "#A1",
    [
      { sku: "CAP", quantity: 200 },
      { sku: "HAT", quantity: 1 },
    ],
    day(0),
    "fuzz@example.com",
  );
  await addAgent(db, { email: "agent@fuzz.example", merchantSlug: "fuzz-actions" });
  await addAgent(db, { email: "admin@fuzz.example", all: true });
  agent = (await agentScope(db, "agent@fuzz.example"))!;
  admin = (await agentScope(db, "admin@fuzz.example"))!;
  const [notification] = await rows<{ id: string }>(db, sql`select id from notifications limit 1`);
  ids = {
    merchantId: m.id,
    slug: m.slug,
    orderId: order.orderId,
    lineId: order.lines[0]!.id,
    readyLineId: order.lines[1]!.id,
    toSkuId: hat.id,
    notificationId: notification?.id ?? "00000000-0000-4000-8000-000000000000",
  };
});
afterAll(async () => {
  await database?.close();
});

type Parsed = { ok: true; data: Record<string, unknown> } | { ok: false; error: string };

/** A parse result as the action would use it: never a throw, a refusal in words, an acceptance storable. */
function checkParsed(parsed: Parsed, notStored: string[] = []) {
  if (!parsed.ok) {
    expect(parsed.error, "a refusal says why").toMatch(/\w{2,}/);
    expect(parsed.error.length).toBeLessThan(300);
    expect(parsed.error).not.toMatch(/at \w+ \(|node_modules|ZodError|\[object /);
    return;
  }
  for (const [field, value] of Object.entries(parsed.data)) {
    if (typeof value === "string" && !notStored.includes(field))
      expect(isStorableText(value), `${field} accepted as ${JSON.stringify(value.slice(0, 40))}`).toBe(true);
    if (typeof value === "number") expect(Number.isSafeInteger(value), `${field} accepted as ${value}`).toBe(true);
  }
}

/** Runs the domain call; a DomainError must leave every row as it was, anything else is a failure. */
async function act(work: () => Promise<unknown>) {
  const before = await footprint(database.db, ["rate_limits"]);
  try {
    await work();
  } catch (error) {
    if (!isDomainError(error)) throw error;
    expect(await footprint(database.db, ["rate_limits"]), `refused with "${error.message}" but rows changed`).toEqual(
      before,
    );
  }
}

/** The property for one action: hostile forms through its parse, and what passes through the domain. */
async function fuzzAction<P extends Parsed>(
  valid: () => Record<string, string>,
  parse: (form: FormData) => P,
  domain: (data: Extract<P, { ok: true }>["data"]) => Promise<unknown>,
  notStored: string[] = [],
) {
  await fc.assert(
    fc.asyncProperty(hostileForm(valid()), async (form) => {
      let parsed: P;
      expect(() => (parsed = parse(form)), "the parse never throws").not.toThrow();
      checkParsed(parsed!, notStored);
      if (parsed!.ok) await act(() => domain((parsed as Extract<P, { ok: true }>).data));
    }),
    { numRuns: runs },
  );
}

describe("shopper actions (app/orders/[orderId]/actions.ts)", () => {
  const actor = { type: "shopper" as const, id: "fuzz@example.com" };

  it("cancel", () =>
    fuzzAction(
      () => ({ orderId: ids.orderId, lineId: String(ids.lineId) }),
      parseCancel,
      ({ orderId, lineId }) =>
        cancelLines(database.db, {
          merchantId: ids.merchantId,
          orderId,
          lineIds: lineId ? [lineId] : undefined,
          actor,
          now: now(),
          reason: "Cancelled by the shopper",
        }),
    ));

  it("swap", () =>
    fuzzAction(
      () => ({ orderId: ids.orderId, lineId: String(ids.lineId), toSkuId: ids.toSkuId }),
      parseSwap,
      ({ orderId, lineId, toSkuId }) =>
        swapLine(database.db, { merchantId: ids.merchantId, orderId, lineId, toSkuId, actor, now: now() }),
    ));

  it("how the order ships", () =>
    fuzzAction(
      () => ({ orderId: ids.orderId, preference: "ship_together" }),
      parsePreference,
      ({ orderId, preference }) =>
        setFulfillmentPreference(database.db, { merchantId: ids.merchantId, orderId, preference, actor, now: now() }),
    ));
});

describe("links from emails (delay answer, preferences) and sign-in", () => {
  // A token is never stored: its signature is checked, and a changed one names nothing.
  const signedTokenOnly = ["token"];

  it("answering a delay notice: hostile or forged tokens are refused before anything runs", () =>
    fuzzAction(
      () => ({ token: signToken("delay", { n: 1 }), answer: "keep_waiting" }),
      parseDelayAnswer,
      async ({ token, answer }) => {
        const link = readDelayToken(token);
        if (link) await answerDelayNotice(database.db, { noticeId: link.noticeId, answer, now: now() });
      },
      signedTokenOnly,
    ));

  it("answering a delay notice: a signed token naming any notice id", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer(), fc.constantFrom(2 ** 31, Number.MAX_SAFE_INTEGER, -1, 0)),
        fc.constantFrom("keep_waiting", "cancel"),
        async (n, answer) => {
          const link = readDelayToken(signToken("delay", { n }));
          if (link)
            await act(() =>
              answerDelayNotice(database.db, { noticeId: link.noticeId, answer: answer as "cancel", now: now() }),
            );
        },
      ),
      { numRuns: runs },
    );
  });

  it("saving email preferences", () =>
    fuzzAction(
      () => ({ token: preferencesToken("fuzz@example.com", ids.orderId), allOrders: "yes", order: "no" }),
      parsePreferences,
      async ({ token, allOrders, order }) => {
        const link = readPreferencesToken(token);
        if (!link) return;
        await savePreferences(database.db, {
          email: link.email,
          allOrders: allOrders === "yes",
          order:
            link.orderId && order
              ? { id: link.orderId, choice: order === "follow" ? null : order === "yes" }
              : undefined,
          now: now(),
        });
      },
      signedTokenOnly,
    ));

  it("requesting a sign-in link: only paths on this site, and the rate limits take any address", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileForm({ email: "fuzz@example.com", callbackUrl: "/orders" }),
        hostileHeader,
        async (form, forwardedFor) => {
          const parsed = parseSignIn(form);
          // The callback path is never stored: Auth.js puts it in the link, behind our own origin.
          checkParsed(parsed, ["callbackUrl"]);
          if (!parsed.ok) return;
          expect(parsed.data.callbackUrl).toMatch(/^\/(?![/\\])/);
          const client = resolveClientAddress("10.0.0.1", forwardedFor, parseTrustedProxies("1")) ?? "unknown";
          await hitRateLimits(database.db, signInChecks({ email: parsed.data.email, client }));
        },
      ),
      {
        numRuns: runs,
        examples: [
          [
            (() => {
              const f = new FormData();
              f.set("email", "fuzz@example.com");
              f.set("callbackUrl", "/\\evil.example");
              return f;
            })(),
            "1.2.3.4",
          ],
        ],
      },
    );
  });
});

describe("support console actions (app/support/actions.ts)", () => {
  const order = () => ({ orderId: ids.orderId, lineId: String(ids.lineId) });

  it("cancel for the shopper", () =>
    fuzzAction(
      () => ({ ...order(), reason: "Customer called" }),
      parseAgentCancel,
      ({ orderId, lineId, reason }) =>
        agentCancel(database.db, agent, { orderId, lineId, now: now(), reason: reason || undefined }),
    ));

  it("swap for the shopper", () =>
    fuzzAction(
      () => ({ ...order(), toSkuId: ids.toSkuId }),
      parseAgentSwap,
      ({ orderId, lineId, toSkuId }) => agentSwap(database.db, agent, { orderId, lineId, toSkuId, now: now() }),
    ));

  it("override a ship window", () =>
    fuzzAction(
      () => ({ ...order(), shipStart: "2030-01-02", shipEnd: "2030-01-09", note: "Supplier called" }),
      parseOverrideEta,
      ({ orderId, lineId, shipStart, shipEnd, note }) =>
        agentOverrideEta(database.db, agent, { orderId, lineId, shipStart, shipEnd, note, now: now() }),
    ));

  it("internal note", () =>
    fuzzAction(
      () => ({ orderId: ids.orderId, body: "Called back" }),
      parseNote,
      ({ orderId, body }) => addInternalNote(database.db, agent, { orderId, body, now: now() }),
    ));

  it("resend an email", () =>
    fuzzAction(
      () => ({ orderId: ids.orderId, notificationId: ids.notificationId }),
      parseResend,
      ({ orderId, notificationId }) => resendNotification(database.db, agent, { orderId, notificationId, now: now() }),
    ));
});

describe("integration actions (app/support/merchants/actions.ts)", () => {
  it("resend a webhook delivery", () =>
    fuzzAction(
      () => ({ slug: ids.slug, deliveryId: "msg_abc" }),
      parseResendWebhook,
      ({ slug, deliveryId }) => agentResendDelivery(database.db, agent, { slug, deliveryId, now: now() }),
    ));

  it("process a Shopify webhook again", () =>
    fuzzAction(
      () => ({ slug: ids.slug, webhookId: "b54557e4" }),
      parseRetryShopifyWebhook,
      ({ slug, webhookId }) => agentRetryShopifyWebhook(database.db, agent, { slug, webhookId, now: now() }),
    ));

  it("save the endpoint", () =>
    fuzzAction(
      () => ({ slug: ids.slug, url: "https://hooks.example/in" }),
      parseSaveEndpoint,
      ({ slug, url }) => adminSaveEndpoint(database.db, admin, { slug, url, now: now() }),
    ));

  it("turn sending on or off", () =>
    fuzzAction(
      () => ({ slug: ids.slug, enabled: "false" }),
      parseSetEndpointEnabled,
      ({ slug, enabled }) =>
        adminSetEndpointEnabled(database.db, admin, { slug, enabled: enabled === "true", now: now() }),
    ));

  it("connect Shopify", () =>
    fuzzAction(
      () => ({ slug: ids.slug, shopDomain: "fuzz.myshopify.com", secret: "shpss_0123456789" }),
      parseConnectShopify,
      ({ slug, shopDomain, secret }) =>
        adminConnectShopify(database.db, admin, { slug, shopDomain, secret, now: now() }),
    ));

  it("rotate, end the rotation, disconnect (the shop alone), as an admin and as an agent", () =>
    fuzzAction(
      () => ({ slug: ids.slug }),
      parseShop,
      async ({ slug }) => {
        for (const scope of [agent, admin]) {
          for (const work of [adminRotateEndpointSecret, adminEndShopifyRotation, adminDisconnectShopify]) {
            await act(() => work(database.db, scope, { slug, now: now() }));
          }
        }
      },
    ));
});

describe("the support console's search, board and audit queries (read-only, behind a session)", () => {
  it("search never fails on a hostile query and writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (q) => {
        const before = await footprint(database.db);
        await searchOrders(database.db, agent, q);
        expect(await footprint(database.db)).toEqual(before);
      }),
      { numRuns: runs, examples: [["Shopper\u0000"], ["#A1\u0000"], ["fuzz@example.com\ud800"], ["CAP\u0000x"]] },
    );
  });

  // The same parse app/support/board.csv/route.ts and the board page do, then the query.
  it("the backorder board and its CSV take any ?merchant= and ?sort=", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(hostileString, { nil: null }),
        fc.option(hostileString, { nil: null }),
        async (merchant, sort) => {
          const before = await footprint(database.db);
          for (const scope of [agent, admin])
            boardCsv(await backorderBoard(database.db, scope, boardQuery({ merchant, sort })));
          expect(await footprint(database.db)).toEqual(before);
        },
      ),
      {
        numRuns: runs,
        examples: [
          [null, "__proto__"],
          [null, "constructor"],
          ["------------------------------------", null],
          ["00000000-0000-0000-0000-00000000000g", "toString"],
        ],
      },
    );
  });

  it("the audit log takes any filters", async () => {
    const filters = fc.record(
      { merchant: hostileString, actor: hostileString, action: hostileString, from: hostileString, to: hostileString },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filters, async (params) => {
        await auditEntries(database.db, agent, auditFilters(params, [ids.merchantId]));
      }),
      {
        numRuns: runs,
        examples: [
          [{ action: "line.\u0000" }],
          [{ from: "2026-02-30", to: "9999-99-99" }],
          [{ actor: "__proto__", merchant: "x" }],
        ],
      },
    );
  });
});
