// Whole journeys through the site in Chromium, with axe-core checking every
// page on the way. Prints one JSON object: per journey what was seen and
// any failure (with screenshots at phone and desktop widths of the page it
// failed on), and per page the serious or critical axe violations.
//
// Usage: node journeys.mjs CONFIG_JSON
//   {base, stripe, webhook_secret, slug, role, sessions: [a, b, c],
//    organizer: {email, password}, badge_path, paid_ticket}
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const axeSource = readFileSync(process.env.AXE_CORE, "utf8");
const shots = process.env.FAILURE_SCREENSHOTS;
// Every audited page is also photographed at phone and desktop width, for
// a reviewer (CI keeps the folder), and measured for sideways scrolling.
const gallery = process.env.JOURNEY_SCREENSHOTS;
const config = JSON.parse(process.argv[2]);
const { base, slug } = config;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const result = { journeys: {}, accessibility: {}, overflow: {}, errors: [] };

if (gallery) mkdirSync(gallery, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ["--no-sandbox"] });

async function newPage(viewport, timezoneId) {
  const context = await browser.newContext({ viewport, timezoneId });
  const page = await context.newPage();
  page.on("pageerror", (e) => result.errors.push(`${page.url()}: ${e}`));
  page.on("console", (m) => { if (m.type() === "error") result.errors.push(`${page.url()}: ${m.text()}`); });
  return page;
}

// axe-core on the page as it is now; keyed by path so each page counts once.
async function audit(page, name) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const found = await window.axe.run(document, { resultTypes: ["violations"] });
    return found.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  result.accessibility[name] = violations;
  const viewport = page.viewportSize();
  const file = name.replace(/[^a-z0-9]+/gi, "-").replace(/-+$/, "");
  for (const [label, size] of [["360", { width: 360, height: 740 }], ["1280", DESKTOP]]) {
    await page.setViewportSize(size);
    if (label === "360") result.overflow[name] = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (gallery) await page.screenshot({ path: `${gallery}/${file}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(viewport);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

// Runs one journey; on failure keeps screenshots of where it stopped.
async function journey(name, viewport, steps, timezoneId) {
  const page = await newPage(viewport, timezoneId);
  const seen = {};
  let step = "start";
  try {
    await steps(page, seen, (s) => { step = s; });
    result.journeys[name] = { ok: true, seen };
  } catch (error) {
    mkdirSync(shots, { recursive: true });
    const files = [];
    for (const [label, size] of [["phone", PHONE], ["desktop", DESKTOP]]) {
      const file = `${shots}/${name}-${step}-${label}.png`;
      await page.setViewportSize(size);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      files.push(file);
    }
    result.journeys[name] = { ok: false, step, url: page.url(), error: String(error), screenshots: files, seen };
  } finally {
    await page.context().close();
  }
}

async function signUp(page, email, name) {
  await page.goto(`${base}/signup`);
  await audit(page, "signup");
  await page.fill("#email", email);
  await page.fill("#display_name", name);
  await page.fill("#password", "a long password");
  await submit(page, "form[action='/signup'] button[type=submit]");
}

await journey("attendee", DESKTOP, async (page, seen, at) => {
  at("home");
  await page.goto(`${base}/`);
  await audit(page, "home");
  at("signup");
  await signUp(page, "newcomer@example.org", "Nora Newcomer");
  at("register");
  await page.goto(`${base}/events/${slug}`);
  await audit(page, "event");
  await page.selectOption("#role", { label: config.role });
  await submit(page, `form[action='/events/${slug}/register'] button[type=submit]`);
  seen.registered = await page.locator(".registration .status-good").first().textContent();
  seen.primary_style = await page.locator(".registration a.button").first().evaluate((el) => { const s = getComputedStyle(el); return { color: s.color, background: s.backgroundColor }; });
  at("agenda");
  await page.goto(`${base}/events/${slug}/schedule?day=all`);
  await audit(page, "schedule");
  // The button changes in place: no reload, the page stays where it was.
  seen.kept_scroll = true;
  for (const id of config.sessions) {
    const button = page.locator(`#s${id} form[data-agenda] button`);
    await button.scrollIntoViewIfNeeded();
    const before = await page.evaluate(() => window.scrollY);
    await button.click();
    await page.locator(`#s${id} button[aria-pressed='true']`).waitFor();
    if (await page.evaluate(() => window.scrollY) !== before) seen.kept_scroll = false;
  }
  seen.in_agenda_label = await page.locator(`#s${config.sessions[0]} form[data-agenda] button`).textContent();
  seen.toast = await page.locator(".toast").textContent();
  await page.goto(`${base}/agenda`);
  await audit(page, "agenda");
  seen.clash_warning = await page.locator(".flash-warning").textContent();
  seen.clashing_cards = await page.locator(".session-card.has-clash").count();
  at("calendar");
  await submit(page, "form[action='/agenda/feed/regenerate'] button");
  const feed = await page.inputValue("#feed-url");
  const ics = await page.request.get(feed);
  seen.ics_type = ics.headers()["content-type"];
  const text = await ics.text();
  seen.ics_events = (text.match(/^BEGIN:VEVENT/gm) || []).length;
  seen.ics_starts = text.slice(0, 15);
  at("tribe");
  await page.goto(`${base}/events/${slug}/tribe`);
  await audit(page, "tribe");
  seen.matches = await page.locator(".connect-form").count();
  await submit(page, ".connect-form button[type=submit]");
  seen.connect_flash = await page.locator(".flash").first().textContent();
  at("ticket");
  await page.goto(`${base}/events/${slug}`);
  await submit(page, ".registration a[href^='/registrations/']");
  await audit(page, "registration");
  const ticketUrl = page.url();
  seen.ticket_status = await page.locator(".ticket-status").textContent();
  await page.click(".badge-details summary");
  await page.waitForFunction(() => { const img = document.querySelector("img.badge-preview"); return img && img.complete && img.naturalWidth > 0; }, null, { timeout: 5000 }).catch(() => {});
  seen.badge_width = await page.locator("img.badge-preview").evaluate((img) => img.complete ? img.naturalWidth : 0);
  const png = await page.request.get(await page.locator("a[href$='badge.png']").getAttribute("href").then((h) => base + h));
  seen.badge_type = png.headers()["content-type"];
  // The code is big enough to scan from a phone held out.
  await page.setViewportSize({ width: 360, height: 740 });
  seen.qr_phone = await page.locator("img.ticket-qr").evaluate((img) => ({ loaded: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width }));
  seen.ticket_phone_overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/account/profile`);
  await audit(page, "profile");
  await page.goto(`${base}/account`);
  await audit(page, "account");
  // Cancelling asks first and says what happens; only the second button cancels.
  at("cancel");
  await page.goto(ticketUrl);
  const opener = page.locator("details.confirm > summary", { hasText: "Cancel my registration" });
  const confirm = page.locator("button.button-danger-confirm", { hasText: "Yes, cancel my registration" });
  seen.cancel_hidden_first = !(await confirm.isVisible());
  seen.cancel_opener_style = await opener.evaluate((el) => { const s = getComputedStyle(el); return { color: s.color, background: s.backgroundColor }; });
  await opener.click();
  seen.cancel_says = await page.locator(".confirm-box p").first().textContent();
  seen.cancel_confirm_style = await confirm.evaluate((el) => { const s = getComputedStyle(el); return { color: s.color, background: s.backgroundColor }; });
  await submit(page, "button.button-danger-confirm");
  seen.cancelled_flash = await page.locator(".flash").first().textContent();
});

await journey("organizer", DESKTOP, async (page, seen, at) => {
  at("login");
  await page.goto(`${base}/login`);
  await audit(page, "login");
  await page.fill("#email", config.organizer.email);
  await page.fill("#password", config.organizer.password);
  await submit(page, "form[action='/login'] button[type=submit]");
  at("create");
  await page.goto(`${base}/events/new`);
  await audit(page, "new event");
  await page.fill("#title", "Browser Summit");
  await page.fill("#slug", "browser-summit");
  await page.fill("#time_zone", "New York");
  seen.chat_fields_hidden = !(await page.locator("#chat_message_limit").isVisible());
  await page.check("#kind-online_chat");
  seen.chat_fields_shown = await page.locator("#chat_message_limit").isVisible() && !(await page.locator("#venue_name").isVisible());
  await page.check("#kind-conference");
  await page.fill("#starts_at", "2027-03-01T09:00");
  await page.fill("#ends_at", "2027-03-02T17:00");
  await submit(page, "form[action='/events'] button[type=submit]");
  seen.after_create = new URL(page.url()).pathname;
  at("sessions");
  for (const [title, start, end] of [["Opening keynote", "09:00", "10:00"], ["Patients at the table", "10:30", "11:15"]]) {
    await page.goto(`${base}/events/browser-summit/manage/sessions/new`);
    await page.fill("#title", title);
    await page.fill("#starts_at", `2027-03-01T${start}`);
    await page.fill("#ends_at", `2027-03-01T${end}`);
    await page.fill("#speakers", "Dana Speaker");
    await submit(page, "form[action='/events/browser-summit/manage/sessions'] button[type=submit]");
  }
  await page.goto(`${base}/events/browser-summit/manage/sessions/new`);
  await audit(page, "session form");
  at("publish");
  await page.goto(`${base}/events/browser-summit/manage`);
  await audit(page, "dashboard");
  await submit(page, ".publish-form button[type=submit]");
  await page.goto(`${base}/events/browser-summit/schedule`);
  seen.published_sessions = await page.locator(".session-card").count();
  at("check-in");
  await page.goto(base + config.badge_path);
  await audit(page, "badge scan");
  await submit(page, "form[action$='/check-in'] button[type=submit]");
  seen.check_in = await page.locator(".flash").first().textContent();
  for (const [name, path] of [["attendees", "attendees"], ["door", "check-in"], ["badges", "badges"], ["community", "community"]]) {
    await page.goto(`${base}/events/${slug}/manage/${path}`);
    await audit(page, name);
  }
  at("import");
  await page.goto(`${base}/events/new`);
  await page.setInputFiles("#file", config.import_file);
  await page.fill("#import_time_zone", "Berlin");
  await submit(page, "form[action='/events/import'] button[type=submit]");
  seen.import_report = await page.locator(".flash").first().textContent();
  await audit(page, "import report");
});

await journey("paid", PHONE, async (page, seen, at) => {
  at("signup");
  await signUp(page, "payer@example.org", "Pat Payer");
  at("checkout");
  // Stripe's hosted page, played here: the browser gets Tribe's redirect to
  // Checkout (a redirect Playwright cannot route, so the answer is read and
  // the hosted page stood in for); the buyer pays, Stripe calls the webhook
  // (signed with Stripe's scheme, computed here independently) and sends the
  // browser back to the success URL.
  let checkout = null;
  await page.route(`${base}/events/${slug}/register`, async (route) => {
    const answer = await route.fetch({ maxRedirects: 0 });
    checkout = answer.headers()["location"];
    await route.fulfill({ contentType: "text/html", body: "<!doctype html><title>Checkout</title><h1>Test checkout</h1>" });
  });
  await page.goto(`${base}/events/${slug}`);
  await page.check(`input[name=ticket_type_id][value="${config.paid_ticket}"]`);
  await submit(page, `form[action='/events/${slug}/register'] button[type=submit]`);
  const id = new URL(checkout).pathname.split("/").pop();
  seen.checkout_host = new URL(checkout).host;
  const session = await (await fetch(`${config.stripe}/v1/checkout/sessions/${id}`)).json();
  const payload = JSON.stringify({
    id: `evt_${id}`, object: "event", type: "checkout.session.completed", created: Math.floor(Date.now() / 1000), livemode: false,
    data: { object: { ...session, status: "complete", payment_status: "paid", payment_intent: "pi_browser_1" } },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", config.webhook_secret).update(`${t}.${payload}`).digest("hex");
  const hook = await fetch(`${base}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${v1}` }, body: payload });
  seen.webhook_status = hook.status;
  at("confirmed");
  await page.goto(session.success_url);
  seen.after_payment = await page.locator("main").textContent();
  await page.goto(`${base}/events/${slug}`);
  seen.registered = await page.locator(".registration .status-good").first().textContent();
});

await journey("anonymous", PHONE, async (page, seen, at) => {
  at("pages");
  for (const [name, path] of [["home (phone)", "/"], ["event (phone)", `/events/${slug}`], ["schedule (phone)", `/events/${slug}/schedule`], ["chats", config.chats_path]]) {
    const response = await page.goto(base + path);
    seen[name] = response.status();
    await audit(page, name);
  }
});

// Someone abroad, not logged in, reading a New York event: the page's
// script writes each time in the browser's zone, exactly as the server
// would (the test computes the expected line with the server's code).
for (const zone of ["Europe/Berlin", "Asia/Tokyo"]) {
  await journey(`abroad ${zone}`, PHONE, async (page, seen, at) => {
    at("chat");
    await page.goto(base + config.zone_check.path);
    await audit(page, `weekly chat (${zone})`);
    seen.next_chat = (await page.locator(".big-time .when").first().textContent()).replace(/\s+/g, " ").trim();
    seen.note = await page.locator("[data-zone-note-text]").textContent();
  }, zone);
}

// The checker itself: a page made to fail must fail.
await journey("control", DESKTOP, async (page) => {
  await page.setContent('<!doctype html><html><title>Broken</title><body><img src="x.png"><input type="text"></body></html>');
  await audit(page, "control (made to fail)");
});

await browser.close();
console.log(JSON.stringify(result));
