//! The OpenAPI 3.1 description of every `/api` route. A test compares it
//! with the routes Rocket actually mounts, so it cannot drift.

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use serde_json::{json, Value};

pub fn routes() -> Vec<Route> {
    routes![openapi_json]
}

#[get("/openapi.json")]
fn openapi_json() -> Json<Value> {
    Json(document())
}

fn problem_responses(codes: &[u16]) -> Value {
    let mut responses = serde_json::Map::new();
    for code in codes {
        responses.insert(
            code.to_string(),
            json!({"description": rocket::http::Status::from_code(*code).and_then(|s| s.reason()).unwrap_or("Error"),
                   "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}),
        );
    }
    Value::Object(responses)
}

fn with_problems(mut ok: Value, codes: &[u16]) -> Value {
    if let (Value::Object(map), Value::Object(problems)) = (&mut ok, problem_responses(codes)) {
        map.extend(problems);
    }
    ok
}

pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Tribe API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Conference and community events: registration, schedules, agendas and finding your tribe. \
                Authenticate with `Authorization: Bearer <token>` (a personal token from POST /api/tokens or the account page). \
                Every error is RFC 9457 problem JSON."
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "detail"],
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"],
                            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}
                    }
                },
                "TokenRequest": {
                    "type": "object",
                    "required": ["email", "password"],
                    "properties": {"email": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string"}}
                },
                "Token": {
                    "type": "object",
                    "required": ["id", "name", "token", "created_at"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                        "token": {"type": "string", "description": "Shown only once."}, "created_at": {"type": "string", "format": "date-time"}}
                },
                "Me": {
                    "type": "object",
                    "required": ["id", "email", "display_name", "is_site_admin", "created_at"],
                    "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "display_name": {"type": "string"},
                        "is_site_admin": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"}}
                },
                "EventSummary": {
                    "type": "object",
                    "required": ["slug", "title", "kind", "time_zone", "starts_at", "ends_at", "when"],
                    "properties": {
                        "slug": {"type": "string"}, "title": {"type": "string"},
                        "kind": {"type": "string", "enum": ["conference", "meetup", "online_chat"]},
                        "kind_label": {"type": "string"},
                        "time_zone": {"type": "string"},
                        "starts_at": {"type": "string", "format": "date-time"},
                        "ends_at": {"type": "string", "format": "date-time"},
                        "when": {"type": "string"},
                        "venue_name": {"type": ["string", "null"]},
                        "hashtag": {"type": ["string", "null"]}
                    }
                }
            }
        },
        "paths": {
            "/api/tokens": {
                "post": {
                    "summary": "Exchange email and password for a personal API token",
                    "operationId": "createToken",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenRequest"}}}},
                    "responses": with_problems(json!({"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Token"}}}}}), &[400, 401, 415, 422, 429])
                }
            },
            "/api/me": {
                "get": {
                    "summary": "The account the token belongs to",
                    "operationId": "getMe",
                    "security": [{"bearer": []}],
                    "responses": with_problems(json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}}}), &[401])
                }
            },
            "/api/events": {
                "get": {
                    "summary": "Published events",
                    "operationId": "listEvents",
                    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/EventSummary"}}}}}}
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "getOpenApi",
                    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}}
                }
            }
        }
    })
}
