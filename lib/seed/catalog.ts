import type { BackorderPolicy } from "../db/schema/catalog";
import type { NewMerchant } from "../db/schema/merchants";

// The demo world: two shops, their suppliers (from reliable to chronically late) and ~40 SKUs,
// each with a story of stock and purchase orders that the seed plays out day by day.

export type SupplierBehaviour = "reliable" | "noisy" | "late" | "mostly_on_time";

/** Days late of each supplier's past deliveries (oldest first), by behaviour. */
export const pastSlips: Record<SupplierBehaviour, number[]> = {
  reliable: [0, 0, 1, 0, -1, 0],
  noisy: [2, -3, 3, 1, -2, 3],
  late: [6, 9, 7, 10, 8, 5],
  mostly_on_time: [0, 0, 1, 0, 0, 31],
};

export type PoStory = {
  ref: string;
  /** Days relative to the anchor day (0 = today). */
  placed: number;
  expected: number;
  quantity: number;
  slips?: { on: number; to: number; note?: string }[];
  receipts?: { on: number; quantity: number }[];
  cancelledOn?: number;
};

export type SkuStory = {
  code: string;
  product: string;
  title: string;
  variant?: string;
  priceMinor: number;
  policy?: BackorderPolicy;
  /** Release date for pre-orders, relative to the anchor day. */
  release?: number;
  supplier: string;
  /** Stock on hand when the story starts (60 days ago). */
  stock: number;
  /** How often shoppers pick it, relative to the others. */
  demand: number;
  substitutes?: string[];
  pos?: PoStory[];
};

export type ShopStory = {
  merchant: Omit<NewMerchant, "id">;
  numberPrefix: string;
  firstNumber: number;
  orders: number;
  carrier: { name: string; trackingPrefix: string; url: (tracking: string) => string };
  suppliers: { name: string; behaviour: SupplierBehaviour }[];
  skus: SkuStory[];
};

export const shops: ShopStory[] = [
  {
    merchant: {
      slug: "northwind",
      name: "Northwind Outfitters",
      brandColor: "#0f766e",
      logoUrl: "/brands/northwind.svg",
      supportEmail: "help@northwind.example",
      timezone: "America/New_York",
      currency: "USD",
      handlingDays: 1,
      transitDaysMin: 2,
      transitDaysMax: 5,
      etaChangeThresholdDays: 2,
      defaultSlipDays: 4,
      typicalLeadDays: 21,
    },
    numberPrefix: "#",
    firstNumber: 1001,
    orders: 180,
    carrier: {
      name: "UPS",
      trackingPrefix: "1Z999AA1",
      url: (t) => `https://www.ups.com/track?tracknum=${t}`,
    },
    suppliers: [
      { name: "Cascade Textiles", behaviour: "reliable" },
      { name: "Ridgeline Gear Co.", behaviour: "noisy" },
      { name: "Far East Outdoor Ltd.", behaviour: "late" },
      { name: "Alpine Lights", behaviour: "mostly_on_time" },
    ],
    skus: [
      { code: "NW-JKT-GRN-S", product: "trail-jacket", title: "Trail Jacket", variant: "Forest green, S", priceMinor: 18900, supplier: "Cascade Textiles", stock: 6, demand: 3, substitutes: ["NW-JKT-BLU-M"],
        pos: [{ ref: "PO-N101", placed: -20, expected: 6, quantity: 20 }] },
      { code: "NW-JKT-GRN-M", product: "trail-jacket", title: "Trail Jacket", variant: "Forest green, M", priceMinor: 18900, supplier: "Cascade Textiles", stock: 4, demand: 6, substitutes: ["NW-JKT-BLU-M"],
        pos: [{ ref: "PO-N102", placed: -35, expected: -8, quantity: 18,
          slips: [{ on: -10, to: 2, note: "Fabric delayed at the mill" }, { on: -1, to: 9, note: "Container missed its vessel" }] }] },
      { code: "NW-JKT-GRN-L", product: "trail-jacket", title: "Trail Jacket", variant: "Forest green, L", priceMinor: 18900, supplier: "Cascade Textiles", stock: 40, demand: 2 },
      { code: "NW-JKT-BLU-M", product: "trail-jacket", title: "Trail Jacket", variant: "Glacier blue, M", priceMinor: 18900, supplier: "Cascade Textiles", stock: 30, demand: 1 },
      { code: "NW-PACK-CHR", product: "summit-pack", title: "Summit Backpack 38L", variant: "Charcoal", priceMinor: 12900, supplier: "Ridgeline Gear Co.", stock: 5, demand: 5,
        pos: [{ ref: "PO-N103", placed: -30, expected: -5, quantity: 20, receipts: [{ on: -4, quantity: 12 }], slips: [{ on: -3, to: 5, note: "Rest of the order ships separately" }] }] },
      { code: "NW-PACK-RST", product: "summit-pack", title: "Summit Backpack 38L", variant: "Rust", priceMinor: 11900, supplier: "Ridgeline Gear Co.", stock: 25, demand: 2 },
      { code: "NW-BASE-S", product: "merino-base", title: "Merino Base Layer", variant: "S", priceMinor: 7900, supplier: "Ridgeline Gear Co.", stock: 20, demand: 1 },
      { code: "NW-BASE-M", product: "merino-base", title: "Merino Base Layer", variant: "M", priceMinor: 7900, supplier: "Ridgeline Gear Co.", stock: 3, demand: 4,
        pos: [{ ref: "PO-N104", placed: -12, expected: 14, quantity: 30 }] },
      { code: "NW-BASE-L", product: "merino-base", title: "Merino Base Layer", variant: "L", priceMinor: 7900, supplier: "Ridgeline Gear Co.", stock: 20, demand: 1 },
      { code: "NW-STOVE", product: "camp-stove", title: "Two-Burner Camp Stove", priceMinor: 8900, policy: "deny", supplier: "Ridgeline Gear Co.", stock: 6, demand: 1 },
      { code: "NW-MUG", product: "titanium-mug", title: "Titanium Mug", priceMinor: 3400, supplier: "Alpine Lights", stock: 60, demand: 3 },
      { code: "NW-HL400", product: "headlamp-400", title: "Headlamp 400", priceMinor: 4900, supplier: "Alpine Lights", stock: 8, demand: 2, substitutes: ["NW-HL250"] },
      { code: "NW-HL250", product: "headlamp-250", title: "Headlamp 250", priceMinor: 3900, supplier: "Alpine Lights", stock: 40, demand: 1 },
      { code: "NW-BAG-REG", product: "down-bag", title: "Down Sleeping Bag", variant: "Regular", priceMinor: 29900, supplier: "Far East Outdoor Ltd.", stock: 3, demand: 4,
        pos: [
          { ref: "PO-N105", placed: -40, expected: -15, quantity: 8,
            slips: [{ on: -16, to: -2, note: "Down supply short" }, { on: -3, to: 8, note: "Held at customs" }, { on: 0, to: 11, note: "Customs inspection extended" }] },
          { ref: "PO-N106", placed: -5, expected: 30, quantity: 20 },
        ] },
      { code: "NW-BAG-LONG", product: "down-bag", title: "Down Sleeping Bag", variant: "Long", priceMinor: 31900, supplier: "Far East Outdoor Ltd.", stock: 12, demand: 1 },
      { code: "NW-POLES", product: "trekking-poles", title: "Carbon Trekking Poles", priceMinor: 9900, supplier: "Far East Outdoor Ltd.", stock: 6, demand: 2,
        pos: [{ ref: "PO-N107", placed: -25, expected: 4, quantity: 15, cancelledOn: -6 }] },
      { code: "NW-LANTERN", product: "solar-lantern", title: "Solar Lantern 2", priceMinor: 5900, policy: "preorder", release: 18, supplier: "Alpine Lights", stock: 0, demand: 3,
        pos: [{ ref: "PO-N108", placed: -15, expected: 10, quantity: 50 }] },
      { code: "NW-TENT", product: "expedition-tent", title: "Expedition Tent 3P", priceMinor: 54900, policy: "preorder", release: 40, supplier: "Far East Outdoor Ltd.", stock: 0, demand: 1 },
      { code: "NW-FILTER", product: "water-filter", title: "Squeeze Water Filter", priceMinor: 4500, supplier: "Alpine Lights", stock: 30, demand: 2 },
      { code: "NW-SOCKS", product: "wool-socks", title: "Wool Hiking Socks, 3 pairs", priceMinor: 2400, policy: "deny", supplier: "Cascade Textiles", stock: 80, demand: 3 },
      { code: "NW-GAITERS", product: "gaiters", title: "Trail Gaiters", priceMinor: 3900, supplier: "Cascade Textiles", stock: 3, demand: 1 },
      { code: "NW-CHAIR", product: "camp-chair", title: "Packable Camp Chair", priceMinor: 11900, supplier: "Far East Outdoor Ltd.", stock: 2, demand: 2,
        pos: [{ ref: "PO-N109", placed: -28, expected: -9, quantity: 12, slips: [{ on: -10, to: 3, note: "Factory holiday" }, { on: -2, to: 13, note: "Quality check failed; remade" }] }] },
    ],
  },
  {
    merchant: {
      slug: "lumen-loom",
      name: "Lumen & Loom",
      brandColor: "#9f1239",
      logoUrl: "/brands/lumen-loom.svg",
      supportEmail: "care@lumenloom.example",
      timezone: "Europe/London",
      currency: "GBP",
      handlingDays: 2,
      transitDaysMin: 1,
      transitDaysMax: 3,
      etaChangeThresholdDays: 3,
      defaultSlipDays: 5,
      typicalLeadDays: 28,
    },
    numberPrefix: "LL-",
    firstNumber: 5001,
    orders: 120,
    carrier: {
      name: "Royal Mail",
      trackingPrefix: "RM",
      url: (t) => `https://www.royalmail.com/track-your-item#/tracking-results/${t}`,
    },
    suppliers: [
      { name: "Oakfield Workshop", behaviour: "reliable" },
      { name: "Harbour Ceramics", behaviour: "late" },
      { name: "Mill Lane Linens", behaviour: "noisy" },
    ],
    skus: [
      { code: "LL-DUV-DBL-OAT", product: "linen-duvet", title: "Linen Duvet Cover", variant: "Double, oat", priceMinor: 8900, supplier: "Mill Lane Linens", stock: 3, demand: 5,
        pos: [{ ref: "PO-L201", placed: -18, expected: 4, quantity: 20, slips: [{ on: -2, to: 7, note: "Dye batch rerun" }] }] },
      { code: "LL-DUV-KNG-OAT", product: "linen-duvet", title: "Linen Duvet Cover", variant: "King, oat", priceMinor: 10900, supplier: "Mill Lane Linens", stock: 24, demand: 2 },
      { code: "LL-DUV-DBL-SGE", product: "linen-duvet", title: "Linen Duvet Cover", variant: "Double, sage", priceMinor: 8900, supplier: "Mill Lane Linens", stock: 15, demand: 1 },
      { code: "LL-LAMP-SND", product: "ceramic-lamp", title: "Ceramic Table Lamp", variant: "Sand", priceMinor: 12500, supplier: "Harbour Ceramics", stock: 2, demand: 4, substitutes: ["LL-LAMP-INK"],
        pos: [{ ref: "PO-L202", placed: -45, expected: -12, quantity: 10,
          slips: [{ on: -13, to: -1, note: "Kiln repair" }, { on: -2, to: 11, note: "Glaze defects; batch refired" }] }] },
      { code: "LL-LAMP-INK", product: "ceramic-lamp", title: "Ceramic Table Lamp", variant: "Ink", priceMinor: 12500, supplier: "Harbour Ceramics", stock: 10, demand: 1 },
      { code: "LL-THROW-CHR", product: "wool-throw", title: "Wool Throw", variant: "Charcoal", priceMinor: 7400, supplier: "Mill Lane Linens", stock: 25, demand: 2 },
      { code: "LL-THROW-MST", product: "wool-throw", title: "Wool Throw", variant: "Mustard", priceMinor: 7400, supplier: "Mill Lane Linens", stock: 1, demand: 1 },
      { code: "LL-DINNER", product: "stoneware-dinner", title: "Stoneware Dinner Set", priceMinor: 9600, supplier: "Oakfield Workshop", stock: 4, demand: 3,
        pos: [{ ref: "PO-L203", placed: -10, expected: 5, quantity: 15 }] },
      { code: "LL-PENDANT", product: "rattan-pendant", title: "Rattan Pendant Shade", priceMinor: 6800, supplier: "Oakfield Workshop", stock: 15, demand: 2 },
      { code: "LL-TOWELS", product: "bath-towels", title: "Cotton Bath Towels, set of 4", priceMinor: 3800, policy: "deny", supplier: "Mill Lane Linens", stock: 10, demand: 2 },
      { code: "LL-SIDETABLE", product: "oak-side-table", title: "Oak Side Table", priceMinor: 18900, supplier: "Oakfield Workshop", stock: 1, demand: 3,
        pos: [{ ref: "PO-L204", placed: -25, expected: -2, quantity: 6, receipts: [{ on: -2, quantity: 6 }] }] },
      { code: "LL-VASE", product: "thrown-vase", title: "Hand-thrown Vase", priceMinor: 4500, policy: "preorder", release: 25, supplier: "Harbour Ceramics", stock: 0, demand: 2,
        pos: [{ ref: "PO-L205", placed: -6, expected: 35, quantity: 30 }] },
      { code: "LL-NAPKINS", product: "linen-napkins", title: "Linen Napkins, set of 4", priceMinor: 2400, supplier: "Mill Lane Linens", stock: 40, demand: 2 },
      { code: "LL-CUSH-RST", product: "velvet-cushion", title: "Velvet Cushion", variant: "Rust", priceMinor: 3500, supplier: "Mill Lane Linens", stock: 2, demand: 3,
        pos: [{ ref: "PO-L206", placed: -8, expected: 12, quantity: 16 }] },
      { code: "LL-CUSH-TEL", product: "velvet-cushion", title: "Velvet Cushion", variant: "Teal", priceMinor: 3500, supplier: "Mill Lane Linens", stock: 18, demand: 1 },
      { code: "LL-MIRROR", product: "arched-mirror", title: "Arched Oak Mirror", priceMinor: 14900, supplier: "Oakfield Workshop", stock: 5, demand: 2 },
      { code: "LL-CANDLES", product: "beeswax-candles", title: "Beeswax Dinner Candles", priceMinor: 1800, supplier: "Oakfield Workshop", stock: 50, demand: 2 },
      { code: "LL-JUG", product: "stoneware-jug", title: "Stoneware Jug", priceMinor: 3200, supplier: "Harbour Ceramics", stock: 3, demand: 2,
        pos: [{ ref: "PO-L207", placed: -14, expected: 2, quantity: 16, slips: [{ on: -1, to: 16, note: "Kiln capacity" }] }] },
    ],
  },
];

export const firstNames = [
  "Maya", "Liam", "Sofia", "Noah", "Ava", "Ethan", "Zara", "Lucas", "Chloe", "Mateo", "Amara", "Oliver", "Priya",
  "Jonas", "Léa", "Kenji", "Isla", "Tomás", "Nadia", "Felix", "Hana", "Owen", "Renée", "Samir", "Freya", "Diego",
  "Aoife", "Malik", "Ingrid", "Rafael",
];
export const lastNames = [
  "Fischer", "Okafor", "Rossi", "Nguyen", "Lindqvist", "Moreau", "Patel", "García", "Kowalski", "Haddad", "Brennan",
  "Sato", "Müller", "Andersen", "Silva", "Duarte", "Byrne", "Novak", "Ahmed", "Walsh",
];
