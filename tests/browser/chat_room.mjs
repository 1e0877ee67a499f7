// Two browsers in one live chat room: a reader (no account) and a writer.
// The writer posts through the page's form; the reader's page shows the
// message without reloading, as text (a script in it must not run).
// Usage: node chat_room.mjs BASE ROOM_PATH EMAIL PASSWORD TEXT
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const [base, room, email, password, text] = process.argv.slice(2);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ["--no-sandbox"] });
try {
  const errors = [];
  const watch = (page) => {
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  };
  const reader = await (await browser.newContext()).newPage();
  watch(reader);
  await reader.goto(base + room);
  await reader.waitForFunction(() => document.querySelector("[data-readers]") && Number(document.querySelector("[data-readers]").textContent) >= 1);

  const writer = await (await browser.newContext()).newPage();
  watch(writer);
  await writer.goto(`${base}/login`);
  await writer.fill("#email", email);
  await writer.fill("#password", password);
  await Promise.all([writer.waitForURL((url) => !url.pathname.startsWith("/login")), writer.click("form[action='/login'] button[type=submit]")]);
  await writer.goto(base + room);
  const loadedAt = await reader.evaluate(() => performance.timeOrigin);
  await writer.fill("#body", text);
  await writer.click("[data-compose] button[type=submit]");
  await reader.waitForFunction((t) => Array.from(document.querySelectorAll(".chat-text")).some((p) => p.textContent === t), text, { timeout: 10000 });
  await writer.waitForFunction(() => document.querySelector("#body").value === "");
  console.log(JSON.stringify({
    reloaded: (await reader.evaluate(() => performance.timeOrigin)) !== loadedAt,
    script_ran: await reader.evaluate(() => window.__xss === 1),
    author: await reader.evaluate(() => { const all = document.querySelectorAll(".chat-message .chat-author"); return all[all.length - 1].textContent; }),
    links: await reader.evaluate(() => Array.from(document.querySelectorAll(".chat-text a")).map((a) => a.href)),
    errors,
  }));
} finally {
  await browser.close();
}
