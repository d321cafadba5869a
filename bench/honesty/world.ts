import { addDays, type IsoDate } from "../../lib/dates";
import { seededRandom, type Random } from "../../lib/seed/random";

// The simulated merchant, planned up front from a seed: its suppliers and how they slip, its SKUs
// and their demand, and every order shoppers will place. Planning everything that does not depend
// on the engine before the run keeps a rule change from reshuffling the world it is measured on.

export const behaviours = ["punctual", "noisy", "late", "month_late", "replayed"] as const;
export type Behaviour = (typeof behaviours)[number];

export const behaviourLabels: Record<Behaviour, string> = {
  punctual: "punctual",
  noisy: "noisy ±3 days",
  late: "chronically 5–10 days late",
  month_late: "1 in 10 a month late",
  replayed: "replayed real vendors (CSV)",
};

export type SimConfig = {
  seed: number;
  /** Days on which shoppers order; the run then continues (no new orders) until the queues drain. */
  days: number;
  /** At most this many extra days to let open lines ship after the last order. */
  drainDays: number;
  skus: number;
  suppliersPerBehaviour: number;
  /** Real vendors from ../shared/data replayed as suppliers (their slips, in order). */
  replayedVendors: { name: string; slips: number[] }[];
  start: IsoDate;
  handlingDays: number;
  defaultSlipDays: number;
  /** Mean orders per SKU per day before patterns. */
  meanDailyOrders: number;
  /** Share of receipts that come short, the rest following on a date the supplier gives. */
  partialReceiptShare: number;
  /** Days of supplier history (weekly POs, received as each supplier does) before the first order. */
  historyDays: number;
};

export const fullConfig: Omit<SimConfig, "replayedVendors"> = {
  seed: 9,
  days: 180,
  drainDays: 90,
  skus: 200,
  suppliersPerBehaviour: 3,
  start: "2026-01-05",
  handlingDays: 1,
  defaultSlipDays: 5,
  meanDailyOrders: 0.15,
  partialReceiptShare: 0.05,
  historyDays: 70,
};

/** What a supplier does with one PO: how many days after the first promised date it really comes. */
export type PoFate = { slipDays: number; announceDaysBefore: number | null };

export type SupplierPlan = {
  name: string;
  behaviour: Behaviour;
  /** The lead time the supplier quotes: the PO's expected date is this many days after it is placed. */
  leadDays: number;
  /** Days between the merchant's regular reviews of this supplier's SKUs. */
  reviewEveryDays: number;
  reviewOffset: number;
  fate(poIndex: number): PoFate;
};

export type DemandPattern = "steady" | "seasonal" | "viral";

export type SkuPlan = {
  code: string;
  supplier: number;
  pattern: DemandPattern;
  /** Orders per day before the pattern. */
  baseRate: number;
  /** How lean the merchant runs it: the reorder point covers this share of lead-time demand. */
  leanness: number;
  /** Days of demand each PO aims to cover beyond the reorder point. */
  cycleDays: number;
  initialStockDays: number;
  multiplier(day: number): number;
};

export type OrderPlan = { number: string; email: string; at: Date; lines: { sku: string; quantity: number }[] };

export type WorldPlan = {
  config: SimConfig;
  suppliers: SupplierPlan[];
  skus: SkuPlan[];
  ordersByDay: OrderPlan[][];
};

/** An instant on day `day` of the run, at `hour` (fractional) UTC. */
export function instantOf(config: Pick<SimConfig, "start">, day: number, hour: number): Date {
  const [y, m, d] = config.start.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + day) + Math.round(hour * 3_600_000));
}

export function dateOf(config: Pick<SimConfig, "start">, day: number): IsoDate {
  return addDays(config.start, day);
}

function poisson(random: Random, rate: number): number {
  // Knuth's method is exact and quick for the rates here (at most a few dozen a day).
  const limit = Math.exp(-rate);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k++;
    p *= random.next();
  }
  return k;
}

function supplierFate(behaviour: Behaviour, random: Random, replayed?: number[]): (poIndex: number) => PoFate {
  switch (behaviour) {
    case "punctual":
      return () => ({ slipDays: 0, announceDaysBefore: null });
    case "noisy":
      return () => ({ slipDays: random.int(-3, 3), announceDaysBefore: null });
    case "late":
      return () => ({ slipDays: random.int(5, 10), announceDaysBefore: null });
    case "month_late":
      // Usually on time; one PO in ten comes about a month late, and half of those are announced
      // a week before the date (the other half simply do not come).
      return () =>
        random.chance(0.1)
          ? { slipDays: random.int(25, 35), announceDaysBefore: random.chance(0.5) ? 7 : null }
          : { slipDays: 0, announceDaysBefore: null };
    case "replayed":
      return (poIndex) => ({ slipDays: replayed![poIndex % replayed!.length]!, announceDaysBefore: null });
  }
}

/** Plans the whole world from the config's seed. */
export function planWorld(config: SimConfig): WorldPlan {
  const random = seededRandom(config.seed);
  const suppliers: SupplierPlan[] = [];
  const leadChoices = [10, 14, 21, 28];
  for (const behaviour of behaviours) {
    if (behaviour === "replayed") continue;
    for (let i = 1; i <= config.suppliersPerBehaviour; i++) {
      const own = seededRandom(config.seed * 1000 + suppliers.length + 1);
      suppliers.push({
        name: `${behaviour}-${i}`,
        behaviour,
        leadDays: random.pick(leadChoices),
        reviewEveryDays: 7,
        reviewOffset: random.int(0, 6),
        fate: supplierFate(behaviour, own),
      });
    }
  }
  for (const vendor of config.replayedVendors) {
    suppliers.push({
      name: `replayed-${vendor.name}`.slice(0, 60),
      behaviour: "replayed",
      leadDays: random.pick(leadChoices),
      reviewEveryDays: 7,
      reviewOffset: random.int(0, 6),
      fate: supplierFate("replayed", random, vendor.slips),
    });
  }

  const skus: SkuPlan[] = [];
  const viralCount = Math.max(1, Math.round(config.skus * 0.02));
  for (let i = 0; i < config.skus; i++) {
    const code = `SKU-${String(i + 1).padStart(3, "0")}`;
    // Log-normal popularity: a few SKUs sell most.
    const z = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    const baseRate = Math.min(3, Math.max(0.05, config.meanDailyOrders * Math.exp(0.8 * z - 0.32)));
    const viral =
      i % Math.floor(config.skus / viralCount) === 3 && skus.filter((s) => s.pattern === "viral").length < viralCount;
    const pattern: DemandPattern = viral ? "viral" : random.chance(0.35) ? "seasonal" : "steady";
    let multiplier: (day: number) => number = () => 1;
    if (pattern === "seasonal") {
      const amplitude = 0.4 + random.next() * 0.4;
      const period = random.int(60, 120);
      const phase = random.int(0, period);
      multiplier = (day) => 1 + amplitude * Math.sin((2 * Math.PI * (day - phase)) / period);
    } else if (pattern === "viral") {
      const spikeDay = random.int(Math.floor(config.days * 0.25), Math.floor(config.days * 0.7));
      const peak = 8 + random.next() * 12;
      const decay = random.int(4, 8);
      multiplier = (day) => (day < spikeDay ? 1 : 1 + (peak - 1) * Math.exp(-(day - spikeDay) / decay));
    }
    skus.push({
      code,
      supplier: i % suppliers.length,
      pattern,
      baseRate,
      leanness: 0.3 + random.next() * 0.5,
      cycleDays: random.int(14, 28),
      initialStockDays: random.int(5, 30),
      multiplier,
    });
  }

  const ordersByDay: OrderPlan[][] = [];
  const demand = seededRandom(config.seed * 7919 + 1);
  let n = 0;
  for (let day = 0; day < config.days; day++) {
    const today: OrderPlan[] = [];
    for (const sku of skus) {
      const orders = poisson(demand, sku.baseRate * sku.multiplier(day));
      for (let k = 0; k < orders; k++) {
        const lines = [
          {
            sku: sku.code,
            quantity: demand.weighted([
              [1, 80],
              [2, 15],
              [3, 5],
            ] as const),
          },
        ];
        // Some shoppers add a second item; popular SKUs are likelier to be it.
        if (demand.chance(0.12)) {
          const other = skus[Math.floor(demand.next() * demand.next() * skus.length)]!;
          if (other.code !== sku.code) lines.push({ sku: other.code, quantity: 1 });
        }
        n++;
        today.push({
          number: `#${100000 + n}`,
          email: `shopper${n % 4000}@example.com`,
          at: instantOf(config, day, 9 + demand.next() * 12),
          lines,
        });
      }
    }
    today.sort((a, b) => a.at.getTime() - b.at.getTime() || a.number.localeCompare(b.number));
    ordersByDay.push(today);
  }
  return { config, suppliers, skus, ordersByDay };
}
