//! A Stripe test double on loopback: the two endpoints Tribe calls
//! (`POST /v1/checkout/sessions`, `POST /v1/refunds`) and the one a browser
//! test reads (`GET /v1/checkout/sessions/<id>`), answering with
//! objects shaped as Stripe documents them, honouring idempotency keys, and
//! recording what it was asked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub idempotency_key: Option<String>,
    pub form: HashMap<String, String>,
}

#[derive(Default)]
pub struct FakeState {
    pub requests: Vec<Recorded>,
    /// Answers already given per idempotency key (Stripe replays them).
    answers: HashMap<String, String>,
    counter: u32,
    /// Checkout sessions made, by id, for `GET /v1/checkout/sessions/<id>`.
    sessions: HashMap<String, String>,
    /// When set, every request answers 500 (Stripe down).
    pub failing: bool,
}

pub struct FakeStripe {
    pub base: String,
    pub state: Arc<Mutex<FakeState>>,
}

impl FakeStripe {
    pub async fn start() -> FakeStripe {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(FakeState::default()));
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { break };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 8192];
                    let (head_end, length) = loop {
                        let Ok(n) = socket.read(&mut chunk).await else { return };
                        if n == 0 {
                            return;
                        }
                        buffer.extend_from_slice(&chunk[..n]);
                        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buffer[..end]).to_lowercase();
                            let length = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                                .unwrap_or(0);
                            break (end + 4, length);
                        }
                    };
                    while buffer.len() < head_end + length {
                        let Ok(n) = socket.read(&mut chunk).await else { return };
                        if n == 0 {
                            break;
                        }
                        buffer.extend_from_slice(&chunk[..n]);
                    }
                    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
                    let body = String::from_utf8_lossy(&buffer[head_end..]).to_string();
                    let (status, json) = answer(&shared, &head, &body);
                    let response = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                        json.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        FakeStripe { base, state }
    }

    /// Tribe's settings for talking to this double, with webhooks signed by `webhook_secret`.
    pub fn settings(&self, webhook_secret: &str) -> Vec<(&'static str, String)> {
        vec![("stripe_secret_key", "sk_test_tribe".into()), ("stripe_webhook_secret", webhook_secret.into()), ("stripe_api_base", self.base.clone())]
    }

    pub fn requests(&self, path: &str) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.iter().filter(|r| r.path == path).cloned().collect()
    }

    pub fn set_failing(&self, failing: bool) {
        self.state.lock().unwrap().failing = failing;
    }
}

fn answer(shared: &Arc<Mutex<FakeState>>, head: &str, body: &str) -> (&'static str, String) {
    let mut state = shared.lock().unwrap();
    let request_line = head.lines().next().unwrap_or_default();
    let path = request_line.split_whitespace().nth(1).unwrap_or_default().split('?').next().unwrap_or_default().to_owned();
    let key = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("idempotency-key")).map(|(_, v)| v.trim().to_owned()));
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    if state.failing {
        return ("500 Internal Server Error", r#"{"error":{"type":"api_error","message":"down for the test"}}"#.to_owned());
    }
    state.requests.push(Recorded { path: path.clone(), idempotency_key: key.clone(), form: form.clone() });
    if let Some(id) = path.strip_prefix("/v1/checkout/sessions/") {
        return match state.sessions.get(id) {
            Some(session) => ("200 OK", session.clone()),
            None => ("404 Not Found", r#"{"error":{"type":"invalid_request_error","message":"No such checkout.session"}}"#.to_owned()),
        };
    }
    if let Some(previous) = key.as_ref().and_then(|k| state.answers.get(k)) {
        return ("200 OK", previous.clone());
    }
    state.counter += 1;
    let now = chrono::Utc::now().timestamp();
    let json = match path.as_str() {
        "/v1/checkout/sessions" => {
            let id = format!("cs_test_{:04}", state.counter);
            let unit: i64 = form.get("line_items[0][price_data][unit_amount]").and_then(|v| v.parse().ok()).unwrap_or(0);
            let quantity: i64 = form.get("line_items[0][quantity]").and_then(|v| v.parse().ok()).unwrap_or(1);
            serde_json::json!({
                "id": id, "object": "checkout.session", "livemode": false, "mode": "payment", "status": "open", "payment_status": "unpaid",
                "created": now, "expires_at": form.get("expires_at").and_then(|v| v.parse::<i64>().ok()).unwrap_or(now + 1800),
                "automatic_tax": {"enabled": false, "liability": null, "provider": null, "status": null},
                "custom_fields": [], "custom_text": {"after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null},
                "payment_method_types": ["card"], "shipping_options": [],
                "amount_subtotal": unit * quantity, "amount_total": unit * quantity,
                "currency": form.get("line_items[0][price_data][currency]"),
                "client_reference_id": form.get("client_reference_id"),
                "customer_email": form.get("customer_email"),
                "success_url": form.get("success_url"), "cancel_url": form.get("cancel_url"),
                "metadata": {"registration_id": form.get("metadata[registration_id]")},
                "url": format!("https://checkout.stripe.com/c/pay/{id}"),
                "payment_intent": null,
            })
        }
        "/v1/refunds" => serde_json::json!({
            "id": format!("re_test_{:04}", state.counter), "object": "refund", "amount": 0, "created": now, "currency": "usd",
            "payment_intent": form.get("payment_intent"), "status": "succeeded", "metadata": {},
        }),
        _ => return ("404 Not Found", r#"{"error":{"type":"invalid_request_error","message":"unknown path"}}"#.to_owned()),
    }
    .to_string();
    if let Some(key) = key {
        state.answers.insert(key, json.clone());
    }
    if path == "/v1/checkout/sessions" {
        let id = format!("cs_test_{:04}", state.counter);
        state.sessions.insert(id, json.clone());
    }
    ("200 OK", json)
}
