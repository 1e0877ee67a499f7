// The door page's camera scanner in Chromium, whose fake camera films a
// badge (a Y4M video the test made from the badge PNG): log in as staff,
// open the check-in page, start the camera, and report what the page shows.
// Usage: node door_camera.mjs BASE EMAIL PASSWORD SLUG VIDEO.y4m
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const [base, email, password, slug, video] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  args: [
    "--no-sandbox",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${video}`,
  ],
});
try {
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${base}/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.click("form[action='/login'] button[type=submit]")]);
  await page.goto(`${base}/events/${slug}/manage/check-in`);
  await page.click("[data-camera-start]");
  await page.waitForSelector("#scan-result .panel", { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector("[data-stat=checked_in]").textContent.trim() !== "0", null, { timeout: 20000 });
  console.log(JSON.stringify({
    result: (await page.textContent("#scan-result")).replace(/\s+/g, " ").trim(),
    tone: await page.getAttribute("#scan-result .panel", "class"),
    checked_in: (await page.textContent("[data-stat=checked_in]")).trim(),
    barcode_detector: await page.evaluate(() => "BarcodeDetector" in window),
    jsqr_loaded: await page.evaluate(() => typeof window.jsQR === "function"),
    errors,
  }));
} finally {
  await browser.close();
}
