import { expect, type Page } from "@playwright/test";
import { demo, expectNoAxeViolations, signIn, test, viewOrderId } from "./support";

const agent = "agent@northwind.example";
const search = (page: Page) => page.getByLabel("Order number, email, name, SKU or tracking number");

test("an agent finds an order by name, SKU and tracking number, overrides an ETA and cancels for the shopper", async ({
  page,
}, testInfo) => {
  const order = demo().samples.forAgents[testInfo.project.name === "phone" ? 0 : 1]!;
  const tracked = demo().samples.tracked[0]!;
  await signIn(page, agent, "/support");
  await expect(page.getByRole("heading", { name: "Find an order" })).toBeVisible();
  await expectNoAxeViolations(page);

  // A partial, lower-case, accent-free piece of the customer's name.
  const [first, last] = order.customerName.split(" ");
  const partialName = `${first!.slice(0, 3)} ${last!.slice(0, 4)}`
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  await search(page).fill(partialName);
  await expect(page.getByRole("link", { name: new RegExp(`${order.number}\\b`) })).toBeVisible();
  await search(page).fill(order.waitingSku.toLowerCase());
  await expect(page.getByRole("status")).toContainText("order");
  await expect(
    page
      .getByRole("link")
      .filter({ hasText: `matched SKU “${order.waitingSku}”` })
      .first(),
  ).toBeVisible();
  await search(page).fill(tracked.trackingNumber.slice(0, 12));
  await expect(page.getByRole("link", { name: new RegExp(`${tracked.number}\\b`) })).toBeVisible();

  await search(page).fill(order.number);
  await page.getByRole("link", { name: new RegExp(`${order.number}\\b`) }).click();
  await expect(page.getByRole("heading", { name: `Order ${order.number}` })).toBeVisible();
  await expectNoAxeViolations(page);

  const line = page
    .getByRole("article", { name: new RegExp(order.waitingSku === "" ? "." : ".") })
    .filter({ hasText: `SKU ${order.waitingSku}` })
    .first();
  await line.getByRole("button", { name: "Set ship window" }).click();
  const start = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);
  const end = new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10);
  await line.getByLabel("Ships from").fill(start);
  await line.getByLabel("Ships by").fill(end);
  await line.getByLabel("Note for the shopper (required)").fill("Confirmed with the factory by phone");
  await line.getByRole("button", { name: "Save window" }).click();
  await expect(line.getByRole("status")).toHaveText(/Ship window set/);

  // The shopper's page shows the override, with the note as the reason.
  const shopperView = await page.getByRole("link", { name: /Open the shopper's view/ }).getAttribute("href");
  await page.goto(shopperView!);
  const card = page
    .locator("article")
    .filter({ hasText: `SKU ${order.waitingSku}` })
    .first();
  await expect(card.getByText("Date set by support")).toBeVisible();
  await expect(card.getByText("Note from support: “Confirmed with the factory by phone”")).toBeVisible();
  await expect(card.getByText("Our support team set the date: “Confirmed with the factory by phone”")).toBeAttached();
  await page.goBack();

  await line.getByRole("button", { name: "Cancel for shopper" }).click();
  await line.getByLabel("Reason (kept in the log)").fill("Customer asked by phone");
  await line.getByRole("button", { name: /Yes, cancel/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cancelled for the shopper" })).toBeVisible();
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline.getByText("Ship date set by hand").first()).toBeVisible();
  await expect(timeline.getByText("Item cancelled").first()).toBeVisible();
  await expect(timeline.getByText(`Agent ${agent}`).first()).toBeVisible();

  await page.goto("/support/audit?actor=agent");
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "line.eta_override" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "line.cancelled" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: `agent · ${agent}` }).first()).toBeVisible();
  await expectNoAxeViolations(page);

  await page.goto("/support/board");
  await expect(page.getByRole("heading", { name: "ETA honesty" })).toBeVisible();
  await expect(page.getByRole("table").first().getByRole("row").nth(1)).toBeVisible();
  await expectNoAxeViolations(page);
  const csv = await page.request.get("/support/board.csv");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect((await csv.text()).split("\n")[0]).toBe(
    "merchant,sku,title,on_hand,units_short,queue_depth,rolling,past_first_window,consent_due_within_7_days,next_po,next_po_date,next_po_units",
  );
});

test("an agent of one shop gets nothing of another shop's, by search, URL or forged action", async ({ page }) => {
  const lumen = demo().tryThese.find((o) => o.merchant === "lumen-loom")!;
  const answer = await page.request.post("/lookup", {
    data: { number: lumen.number, email: lumen.email },
    headers: { accept: "application/json" },
  });
  const { url: lumenView } = (await answer.json()) as { url: string };
  const lumenId = viewOrderId(lumenView);

  await signIn(page, agent, "/support");
  const found = await (await page.request.get(`/support/api/search?q=${encodeURIComponent(lumen.number)}`)).json();
  expect(found.hits).toEqual([]);
  // The same shopper may have ordered from both shops: the agent sees only their own shop's orders.
  const byEmail = (await (await page.request.get(`/support/api/search?q=${encodeURIComponent(lumen.email)}`)).json())
    .hits as { merchantName: string; number: string }[];
  expect(byEmail.filter((h) => h.merchantName !== "Northwind Outfitters" || h.number === lumen.number)).toEqual([]);
  expect((await page.goto(`/support/orders/${lumenId}`))?.status()).toBe(404);

  // A forged form: an own order's override form pointed at the other shop's order.
  const own = demo().samples.forAgents[2]!;
  await page.goto("/support");
  await search(page).fill(own.number);
  await page.getByRole("link", { name: new RegExp(`${own.number}\\b`) }).click();
  const line = page
    .getByRole("article")
    .filter({ hasText: `SKU ${own.waitingSku}` })
    .first();
  await line.getByRole("button", { name: "Set ship window" }).click();
  await page.evaluate((orderId) => {
    (
      document
        .querySelector('form input[name="shipStart"]')!
        .closest("form")!
        .querySelector('input[name="orderId"]') as HTMLInputElement
    ).value = orderId;
  }, lumenId);
  const start = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  await line.getByLabel("Ships from").fill(start);
  await line.getByLabel("Ships by").fill(start);
  await line.getByLabel("Note for the shopper (required)").fill("Not my shop");
  await line.getByRole("button", { name: "Save window" }).click();
  await expect(line.getByRole("status")).toHaveText("That order was not found among the shops you serve.");
  await page.goto(lumenView);
  await expect(page.getByText("Date set by support")).toHaveCount(0);
});

test("a shopper's session gets nothing from /support", async ({ page }) => {
  const shopper = demo().tryThese[0]!;
  await page.goto("/support");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=(%2F|\/)support/);
  await signIn(page, shopper.email, "/orders");
  await expect(page.getByRole("heading", { name: "Your orders" })).toBeVisible();
  expect((await page.goto("/support"))?.status()).toBe(404);
  expect((await page.goto("/support/board"))?.status()).toBe(404);
  expect((await page.request.get("/support/api/search?q=1001")).status()).toBe(404);
  expect((await page.request.get("/support/board.csv")).status()).toBe(404);
});
