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
  // The reader is on a phone, reading older messages when a new one comes.
  const reader = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  watch(reader);
  await reader.goto(base + room);
  await reader.waitForFunction(() => document.querySelector("[data-readers]") && Number(document.querySelector("[data-readers]").textContent) >= 1);

  await reader.evaluate(() => { const list = document.querySelector("[data-messages]"); list.scrollTop = 0; });
  const readerBefore = await reader.evaluate(() => ({ box: document.querySelector("[data-messages]").scrollTop, page: window.scrollY }));

  const writer = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  watch(writer);
  await writer.goto(`${base}/login`);
  await writer.fill("#email", email);
  await writer.fill("#password", password);
  await Promise.all([writer.waitForURL((url) => !url.pathname.startsWith("/login")), writer.click("form[action='/login'] button[type=submit]")]);
  await writer.goto(base + room);
  // On a phone the newest messages and the composer fit on one screen.
  const writerScreen = await writer.evaluate(() => {
    document.querySelector("[data-compose] button[type=submit]").scrollIntoView({ block: "end" });
    const list = document.querySelector("[data-messages]");
    const send = document.querySelector("[data-compose] button[type=submit]").getBoundingClientRect();
    return { list_top: list.getBoundingClientRect().top, send_bottom: send.bottom, height: window.innerHeight, at_newest: list.scrollHeight - list.scrollTop - list.clientHeight < 48 };
  });
  const loadedAt = await reader.evaluate(() => performance.timeOrigin);
  await writer.fill("#body", text);
  await writer.click("[data-compose] button[type=submit]");
  await reader.waitForFunction((t) => Array.from(document.querySelectorAll(".chat-text")).some((p) => p.textContent === t), text, { timeout: 10000 });
  await writer.waitForFunction(() => document.querySelector("#body").value === "");
  const readerAfter = await reader.evaluate(() => ({
    box: document.querySelector("[data-messages]").scrollTop,
    page: window.scrollY,
    scrollable: document.querySelector("[data-messages]").scrollHeight > document.querySelector("[data-messages]").clientHeight + 48,
    notice: document.querySelector("[data-new-messages]").hidden ? null : document.querySelector("[data-new-messages]").textContent,
  }));
  await reader.click("[data-new-messages]");
  const readerCaughtUp = await reader.evaluate(() => {
    const list = document.querySelector("[data-messages]");
    return list.scrollHeight - list.scrollTop - list.clientHeight < 48 && document.querySelector("[data-new-messages]").hidden;
  });
  console.log(JSON.stringify({
    reloaded: (await reader.evaluate(() => performance.timeOrigin)) !== loadedAt,
    script_ran: await reader.evaluate(() => window.__xss === 1),
    author: await reader.evaluate(() => { const all = document.querySelectorAll(".chat-message .chat-author"); return all[all.length - 1].textContent; }),
    links: await reader.evaluate(() => Array.from(document.querySelectorAll(".chat-text a")).map((a) => a.href)),
    writer_screen: writerScreen,
    reader_before: readerBefore,
    reader_after: readerAfter,
    reader_caught_up: readerCaughtUp,
    errors,
  }));
} finally {
  await browser.close();
}
