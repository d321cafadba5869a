import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { useFreshDatabase, type TestDatabase } from "../../testing/db";
import { pipeline, rows } from "./client";
import { errorCode, savepoint, transaction } from "./transaction";

let database: TestDatabase;
beforeAll(async () => {
  database = await useFreshDatabase();
  await database.db.execute(sql`create table pipeline_probe (id int primary key, note text not null)`);
});
afterAll(async () => {
  await database.close();
});

const notes = async () =>
  (await rows<{ id: number; note: string }>(database.db, sql`select id, note from pipeline_probe order by id`)).map(
    (r) => `${r.id}:${r.note}`,
  );

describe("pipeline: statements of one transaction sent together", () => {
  it("runs them in the order given, each seeing what the ones before it did, and returns each one's rows", async () => {
    await database.db.execute(sql`delete from pipeline_probe`);
    const statements = Array.from({ length: 40 }, (_, i) =>
      i === 0
        ? sql`insert into pipeline_probe values (0, 'a') returning note`
        : // Each appends to the row the one before it wrote: any other order leaves a different string.
          sql`update pipeline_probe set note = note || ${String.fromCharCode(97 + (i % 26))} where id = 0 returning note`,
    );
    const results = await transaction(database.db, (tx) => pipeline(tx, statements));
    const expected = Array.from({ length: 40 }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
    expect(results).toHaveLength(40);
    expect(results.at(-1)).toEqual([{ note: expected }]);
    expect(results[1]).toEqual([{ note: "ab" }]);
    expect(await notes()).toEqual([`0:${expected}`]);
  });

  it("throws the first failure and leaves nothing of the transaction behind", async () => {
    await database.db.execute(sql`delete from pipeline_probe`);
    const attempt = transaction(database.db, (tx) =>
      pipeline(tx, [
        sql`insert into pipeline_probe values (1, 'kept?')`,
        sql`insert into pipeline_probe values (1, 'duplicate')`,
        sql`insert into pipeline_probe values (2, 'after the failure')`,
      ]),
    );
    await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "23505");
    expect(await notes()).toEqual([]);
  });
});

describe("transaction inside a transaction", () => {
  it("joins it: a failure in the inner work rolls back the outer work too", async () => {
    await database.db.execute(sql`delete from pipeline_probe`);
    const attempt = transaction(database.db, async (tx) => {
      await tx.execute(sql`insert into pipeline_probe values (3, 'outer')`);
      await transaction(tx, async (inner) => {
        await inner.execute(sql`insert into pipeline_probe values (4, 'inner')`);
        throw new Error("refused");
      });
    });
    await expect(attempt).rejects.toThrow("refused");
    expect(await notes()).toEqual([]);
  });

  it("a savepoint undoes only its own work when it throws, and the transaction goes on", async () => {
    await database.db.execute(sql`delete from pipeline_probe`);
    await transaction(database.db, async (tx) => {
      await tx.execute(sql`insert into pipeline_probe values (5, 'outer')`);
      await expect(
        savepoint(tx, async (inner) => {
          await inner.execute(sql`insert into pipeline_probe values (6, 'inner')`);
          await inner.execute(sql`insert into pipeline_probe values (6, 'duplicate')`);
        }),
      ).rejects.toSatisfy((error) => errorCode(error) === "23505");
      await tx.execute(sql`insert into pipeline_probe values (7, 'after')`);
    });
    expect(await notes()).toEqual(["5:outer", "7:after"]);
  });
});
