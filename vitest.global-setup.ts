import postgres from "postgres";
import { openPostgres } from "./lib/db/client";
import { migrate } from "./lib/db/migrate";
import { serverUrl, templateName } from "./testing/db";

// With DATABASE_URL set, tests run on PostgreSQL: migrate a template database once, and let each
// test file clone it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
export default async function setup() {
  if (!process.env.DATABASE_URL) return;
  const name = `${templateName()}_${process.pid}`;
  process.env.TEST_TEMPLATE_DB = name;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const template = openPostgres(serverUrl(name), { max: 1 });
  await migrate(template);
  await template.close();
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
