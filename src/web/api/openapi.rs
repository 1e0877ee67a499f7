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

fn slug_parameter() -> Value {
    json!({"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}})
}

fn id_parameter() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}})
}

pub fn document() -> Value {
    let mut document = json!({
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
                "Session": {
                    "type": "object",
                    "required": ["id", "guid", "title", "abstract", "starts_at", "ends_at", "status", "language", "tags", "speakers", "revision", "url"],
                    "properties": {
                        "id": {"type": "integer"}, "guid": {"type": "string"}, "title": {"type": "string"}, "abstract": {"type": "string"},
                        "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
                        "room": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                        "track": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                        "speakers": {"type": "array", "items": {"type": "string"}},
                        "status": {"type": "string", "enum": ["draft", "published", "cancelled"]},
                        "language": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
                        "capacity": {"type": ["integer", "null"]}, "revision": {"type": "integer"}, "url": {"type": "string"}
                    }
                },
                "SessionInput": {
                    "type": "object",
                    "description": "Times are local to the event's zone (2027-06-07T10:15) unless they carry an offset. room and track are ids or names.",
                    "required": ["title", "starts_at", "ends_at"],
                    "properties": {
                        "title": {"type": "string"}, "abstract": {"type": "string"},
                        "starts_at": {"type": "string"}, "ends_at": {"type": "string"},
                        "room": {"type": ["string", "integer", "null"]}, "track": {"type": ["string", "integer", "null"]},
                        "capacity": {"type": ["string", "integer", "null"]},
                        "status": {"type": "string", "enum": ["draft", "published", "cancelled"]},
                        "language": {"type": "string"},
                        "tags": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                        "speakers": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}], "description": "Names, or emails of Tribe accounts to link."}
                    }
                },
                "EventDetail": {
                    "type": "object",
                    "required": ["event", "description", "rooms", "tracks", "is_published", "revision"],
                    "properties": {
                        "event": {"$ref": "#/components/schemas/EventSummary"},
                        "description": {"type": "string"}, "description_html": {"type": "string"},
                        "venue_address": {"type": ["string", "null"]}, "online_url": {"type": ["string", "null"]},
                        "recurrence_rule": {"type": ["string", "null"]}, "is_published": {"type": "boolean"}, "revision": {"type": "integer"},
                        "rooms": {"type": "array", "items": {"type": "object"}}, "tracks": {"type": "array", "items": {"type": "object"}}
                    }
                },
                "TicketType": {
                    "type": "object",
                    "required": ["id", "name", "price_minor", "currency", "availability", "max_per_person"],
                    "properties": {
                        "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"},
                        "price_minor": {"type": "integer"}, "currency": {"type": "string"},
                        "capacity": {"type": ["integer", "null"]}, "available": {"type": ["integer", "null"]},
                        "sales_start": {"type": ["string", "null"], "format": "date-time"}, "sales_end": {"type": ["string", "null"], "format": "date-time"},
                        "max_per_person": {"type": "integer"},
                        "availability": {"type": "string", "enum": ["on_sale", "not_yet", "ended", "sold_out", "payments_unavailable"]},
                        "availability_message": {"type": "string"}
                    }
                },
                "RegistrationInput": {
                    "type": "object",
                    "required": ["ticket_type_id"],
                    "properties": {
                        "ticket_type_id": {"type": ["integer", "string"]},
                        "quantity": {"type": ["integer", "string"]},
                        "role": {"type": ["integer", "string"], "description": "A role id or name of the event's roles."},
                        "access_code": {"type": "string", "description": "The code of a hidden ticket type's secret link (the `access` parameter of `/events/<slug>?access=…`)."}
                    }
                },
                "Registration": {
                    "type": "object",
                    "required": ["id", "event", "ticket_type", "quantity", "status", "amount_minor", "currency", "created_at"],
                    "properties": {
                        "id": {"type": "integer"}, "event": {"type": "string"},
                        "ticket_type": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                        "quantity": {"type": "integer"},
                        "status": {"type": "string", "enum": ["held", "confirmed", "cancelled", "expired"]},
                        "amount_minor": {"type": "integer"}, "currency": {"type": "string"},
                        "role_id": {"type": ["integer", "null"]},
                        "created_at": {"type": "string", "format": "date-time"},
                        "cancelled_at": {"type": ["string", "null"], "format": "date-time"},
                        "refund_status": {"type": ["string", "null"], "enum": ["pending", "refunded", "failed", null],
                            "description": "For a cancelled paid registration: the refund it owes is pending (retried until Stripe confirms), refunded, or failed (the organizer refunds by hand)."}
                    }
                },
                "AgendaEntry": {
                    "type": "object",
                    "required": ["session_id", "event", "title", "starts_at", "ends_at", "time_zone", "status", "clashes_with"],
                    "properties": {
                        "session_id": {"type": "integer"}, "event": {"type": "string"}, "title": {"type": "string"},
                        "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
                        "time_zone": {"type": "string"}, "room": {"type": ["string", "null"]}, "status": {"type": "string"},
                        "clashes_with": {"type": "array", "items": {"type": "string"}}
                    }
                },
                "AgendaChange": {
                    "type": "object",
                    "required": ["session_id", "clashes"],
                    "properties": {"session_id": {"type": "integer"}, "clashes": {"type": "array", "items": {"type": "object", "properties": {"session_id": {"type": "integer"}, "title": {"type": "string"}}}}}
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
            "/api/events/{slug}": {
                "get": {
                    "summary": "One event with its rooms and tracks",
                    "operationId": "getEvent",
                    "parameters": [slug_parameter()],
                    "responses": with_problems(json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventDetail"}}}}}), &[404])
                }
            },
            "/api/events/{slug}/sessions": {
                "get": {
                    "summary": "The event's published sessions",
                    "operationId": "listSessions",
                    "parameters": [slug_parameter()],
                    "responses": with_problems(json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}}}}}}), &[404])
                },
                "post": {
                    "summary": "Create a session (organizers)",
                    "operationId": "createSession",
                    "security": [{"bearer": []}],
                    "parameters": [slug_parameter()],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionInput"}}}},
                    "responses": with_problems(json!({"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}}), &[400, 401, 403, 404, 409, 415, 422])
                }
            },
            "/api/events/{slug}/sessions/{id}": {
                "get": {
                    "summary": "One session",
                    "operationId": "getSession",
                    "parameters": [slug_parameter(), id_parameter()],
                    "responses": with_problems(json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}}), &[404])
                },
                "put": {
                    "summary": "Change a session (organizers); bumps its revision",
                    "operationId": "updateSession",
                    "security": [{"bearer": []}],
                    "parameters": [slug_parameter(), id_parameter()],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionInput"}}}},
                    "responses": with_problems(json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}}), &[400, 401, 403, 404, 409, 415, 422])
                },
                "delete": {
                    "summary": "Delete a session (organizers)",
                    "operationId": "deleteSession",
                    "security": [{"bearer": []}],
                    "parameters": [slug_parameter(), id_parameter()],
                    "responses": with_problems(json!({"204": {"description": "Deleted"}}), &[401, 403, 404])
                }
            },
            "/api/events/{slug}/ticket-types": {
                "get": {
                    "summary": "The event's listed ticket types and whether each is on sale (a hidden one too, with its secret code)",
                    "operationId": "listTicketTypes",
                    "parameters": [slug_parameter(), {"name": "access", "in": "query", "required": false, "schema": {"type": "string"}, "description": "The code of a hidden ticket type's secret link."}],
                    "responses": with_problems(json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/TicketType"}}}}}}), &[404])
                }
            },
            "/api/events/{slug}/registrations": {
                "post": {
                    "summary": "Register for a free ticket (409 when sold out or already registered)",
                    "operationId": "register",
                    "security": [{"bearer": []}],
                    "parameters": [slug_parameter()],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RegistrationInput"}}}},
                    "responses": with_problems(json!({"201": {"description": "Registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registration"}}}}}), &[400, 401, 404, 409, 415, 422])
                }
            },
            "/api/me/registrations": {
                "get": {
                    "summary": "Your registrations, newest first",
                    "operationId": "listMyRegistrations",
                    "security": [{"bearer": []}],
                    "responses": with_problems(json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Registration"}}}}}}), &[401])
                }
            },
            "/api/registrations/{id}": {
                "delete": {
                    "summary": "Cancel a registration: your own (until the organizer's cut-off), or any of an event you organize",
                    "operationId": "cancelRegistration",
                    "security": [{"bearer": []}],
                    "parameters": [id_parameter()],
                    "responses": with_problems(json!({"200": {"description": "Cancelled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registration"}}}}}), &[401, 404, 409])
                }
            },
            "/api/me/agenda": {
                "get": {
                    "summary": "Your agenda across events, in time order, with clashes",
                    "operationId": "getMyAgenda",
                    "security": [{"bearer": []}],
                    "responses": with_problems(json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/AgendaEntry"}}}}}}), &[401])
                }
            },
            "/api/me/agenda/{session_id}": {
                "put": {
                    "summary": "Add a session (you must be registered; sessions with a capacity take a seat or answer 409 when full)",
                    "operationId": "addToAgenda",
                    "security": [{"bearer": []}],
                    "parameters": [{"name": "session_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "responses": with_problems(json!({
                        "201": {"description": "Added", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AgendaChange"}}}},
                        "200": {"description": "Already there", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AgendaChange"}}}}
                    }), &[401, 403, 404, 409])
                },
                "delete": {
                    "summary": "Remove a session from your agenda",
                    "operationId": "removeFromAgenda",
                    "security": [{"bearer": []}],
                    "parameters": [{"name": "session_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "responses": with_problems(json!({"204": {"description": "Removed"}}), &[401, 404])
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
    });
    if let (Some(Value::Object(paths)), Value::Object(more)) = (document.get_mut("paths"), tribe_paths()) {
        paths.extend(more);
    }
    if let (Some(Value::Object(schemas)), Value::Object(more)) = (document.pointer_mut("/components/schemas"), tribe_schemas()) {
        schemas.extend(more);
    }
    if let (Some(Value::Object(paths)), Value::Object(more)) = (document.get_mut("paths"), chat_paths()) {
        paths.extend(more);
    }
    if let (Some(Value::Object(schemas)), Value::Object(more)) = (document.pointer_mut("/components/schemas"), chat_schemas()) {
        schemas.extend(more);
    }
    document_unreadable_numbers(&mut document);
    document
}

/// An integer path parameter that is not a number (`/api/registrations/abc`)
/// is answered 422 with problem JSON by the router, before any handler:
/// every operation with one says so.
fn document_unreadable_numbers(document: &mut Value) {
    let Some(Value::Object(paths)) = document.get_mut("paths") else { return };
    for item in paths.values_mut() {
        let Value::Object(operations) = item else { continue };
        for operation in operations.values_mut() {
            let numeric_path_parameter = operation["parameters"]
                .as_array()
                .is_some_and(|parameters| parameters.iter().any(|p| p["in"] == "path" && p["schema"]["type"] == "integer"));
            if let (true, Some(Value::Object(responses))) = (numeric_path_parameter, operation.get_mut("responses")) {
                if let Value::Object(problem) = problem_responses(&[422]) {
                    for (code, response) in problem {
                        responses.entry(code).or_insert(response);
                    }
                }
            }
        }
    }
}

fn room_parameter() -> Value {
    json!({"name": "key", "in": "path", "required": true, "description": "The occurrence: its scheduled start in UTC, e.g. 20270106T0130Z",
        "schema": {"type": "string", "pattern": "^[0-9]{8}T[0-9]{4}Z$"}})
}

fn chat_schemas() -> Value {
    json!({
        "ChatMessage": {
            "type": "object",
            "required": ["id", "kind", "author", "text", "html", "at", "edited"],
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string", "enum": ["message", "topic", "opening"]},
                "author": {"type": "string", "description": "The name, or \"a participant\" for a hidden profile"},
                "author_id": {"type": ["integer", "null"]},
                "lurking": {"type": "boolean"},
                "topic": {"type": ["string", "null"], "description": "T1, T2, ..."},
                "topic_position": {"type": ["integer", "null"]},
                "reply_to": {"type": ["integer", "null"]},
                "quote": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "author": {"type": "string"}, "text": {"type": "string"}}},
                "text": {"type": "string"},
                "html": {"type": "string", "description": "The text escaped, with links made links"},
                "at": {"type": "string", "format": "date-time"},
                "clock": {"type": "string"},
                "edited": {"type": "boolean"}
            }
        },
        "ChatEvents": {
            "type": "object",
            "required": ["room", "events", "last_id"],
            "properties": {
                "room": {"type": "string"},
                "last_id": {"type": "integer", "description": "Pass as since= to get what comes next"},
                "events": {"type": "array", "items": {"type": "object", "required": ["id", "type", "data"], "properties": {
                    "id": {"type": "integer"},
                    "type": {"type": "string", "enum": ["message", "edited", "hidden"]},
                    "data": {"description": "A ChatMessage, or {id} for a hidden one", "type": "object"}}}}
            }
        },
        "ChatThread": {
            "type": "object",
            "required": ["message", "replies"],
            "properties": {"message": {"$ref": "#/components/schemas/ChatMessage"}, "replies": {"type": "array", "items": {"$ref": "#/components/schemas/ChatThread"}}}
        },
        "ChatCount": {"type": "object", "required": ["name", "messages"], "properties": {"name": {"type": "string"}, "messages": {"type": "integer"}}},
        "ChatTranscript": {
            "type": "object",
            "required": ["event", "slug", "starts_at", "ends_at", "sections", "numbers"],
            "properties": {
                "event": {"type": "string"}, "slug": {"type": "string"},
                "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
                "opening": {"type": ["string", "null"]},
                "sections": {"type": "array", "items": {"type": "object", "required": ["title", "messages", "threads"], "properties": {
                    "label": {"type": ["string", "null"], "description": "T1, ...; null for what was said outside the topics"},
                    "title": {"type": "string"}, "question": {"type": "string"}, "messages": {"type": "integer"},
                    "threads": {"type": "array", "items": {"$ref": "#/components/schemas/ChatThread"}}}}},
                "numbers": {"type": "object", "required": ["participants", "messages", "per_topic", "busiest_minutes", "top_posters"], "properties": {
                    "participants": {"type": "integer"}, "messages": {"type": "integer"},
                    "per_topic": {"type": "array", "items": {"$ref": "#/components/schemas/ChatCount"}},
                    "busiest_minutes": {"type": "array", "items": {"$ref": "#/components/schemas/ChatCount"}},
                    "top_posters": {"type": "array", "items": {"$ref": "#/components/schemas/ChatCount"}}}}
            }
        }
    })
}

fn chat_paths() -> Value {
    json!({
        "/api/events/{slug}/chats/{key}/messages": {
            "get": {"summary": "A live room's events after an id (no account needed): messages, edits and hides in order", "operationId": "chatEvents",
                "parameters": [slug_parameter(), room_parameter(), {"name": "since", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}}],
                "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/ChatEvents"})), &[404])},
            "post": {"summary": "Post, reply (reply_to) or quote (quote_of) while the room is open", "operationId": "postChatMessage",
                "security": [{"bearer": []}], "parameters": [slug_parameter(), room_parameter()],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["body"], "additionalProperties": false,
                    "properties": {"body": {"type": "string"}, "topic": {"type": "string", "description": "T2, 2, none; absent: the current topic"},
                        "reply_to": {"type": "integer"}, "quote_of": {"type": "integer"}}}}}},
                "responses": with_problems(json!({"201": {"description": "Posted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatMessage"}}}}}),
                    &[400, 401, 403, 404, 415, 422, 429])}
        },
        "/api/events/{slug}/chats/{key}/transcript": {
            "get": {"summary": "The occurrence's transcript grouped by topic, with its numbers", "operationId": "chatTranscript",
                "parameters": [slug_parameter(), room_parameter()],
                "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/ChatTranscript"})), &[404])}
        }
    })
}

fn tribe_schemas() -> Value {
    let tags = json!({"type": "array", "items": {"type": "string"}});
    json!({
        "Profile": {
            "type": "object",
            "required": ["user_id", "display_name", "visibility", "matching_enabled", "share_on_scan", "interests", "looking_for", "can_offer"],
            "properties": {
                "user_id": {"type": "integer"}, "display_name": {"type": "string"}, "pronouns": {"type": "string"},
                "headline": {"type": "string"}, "organization": {"type": "string"}, "bio": {"type": "string", "description": "Markdown"},
                "interests": tags, "looking_for": tags, "can_offer": tags,
                "handle_x": {"type": "string"}, "handle_mastodon": {"type": "string"}, "handle_bluesky": {"type": "string"},
                "handle_linkedin": {"type": "string"}, "website": {"type": "string"}, "time_zone": {"type": ["string", "null"]},
                "visibility": {"type": "string", "enum": ["hidden", "attendees", "public"]},
                "matching_enabled": {"type": "boolean"}, "share_on_scan": {"type": "boolean"}
            }
        },
        "ProfileUpdate": {
            "type": "object",
            "description": "Fields left out keep their value. Tags may be a list or one comma-separated string.",
            "additionalProperties": false,
            "properties": {
                "display_name": {"type": "string"}, "pronouns": {"type": "string"}, "headline": {"type": "string"},
                "organization": {"type": "string"}, "bio": {"type": "string"},
                "interests": {"oneOf": [{"type": "string"}, tags]}, "looking_for": {"oneOf": [{"type": "string"}, tags]},
                "can_offer": {"oneOf": [{"type": "string"}, tags]},
                "handle_x": {"type": "string"}, "handle_mastodon": {"type": "string"}, "handle_bluesky": {"type": "string"},
                "handle_linkedin": {"type": "string"}, "website": {"type": "string"}, "time_zone": {"type": "string"},
                "visibility": {"type": "string", "enum": ["hidden", "attendees", "public"]},
                "matching_enabled": {"type": "boolean"}, "share_on_scan": {"type": "boolean"}
            }
        },
        "PersonCard": {
            "type": "object",
            "description": "What others see of a person in lists: never contact details.",
            "required": ["user_id", "name", "initials", "avatar", "interests", "looking_for", "can_offer", "url"],
            "properties": {
                "user_id": {"type": "integer"}, "name": {"type": "string"}, "initials": {"type": "string"},
                "avatar": {"type": "string", "description": "data: URI of the generated avatar"},
                "pronouns": {"type": "string"}, "headline": {"type": "string"}, "organization": {"type": "string"},
                "role": {"type": ["string", "null"]}, "role_color": {"type": ["string", "null"]}, "role_dot": {"type": ["string", "null"]},
                "interests": tags, "looking_for": tags, "can_offer": tags, "url": {"type": "string"}
            }
        },
        "Matches": {
            "type": "object",
            "required": ["matches"],
            "properties": {
                "matches": {"type": "array", "items": {"type": "object", "required": ["person", "score", "why", "standing"], "properties": {
                    "person": {"$ref": "#/components/schemas/PersonCard"}, "score": {"type": "integer"}, "why": {"type": "string"},
                    "standing": {"type": "string", "enum": ["none", "request_sent", "request_received", "connected", "declined", "blocked"]}}}},
                "not_matched": {"type": "string", "enum": ["not_registered", "profile_hidden", "matching_off", "no_role"]},
                "detail": {"type": "string"}
            }
        },
        "Connections": {
            "type": "object",
            "required": ["incoming", "outgoing", "connected", "blocked"],
            "properties": {
                "incoming": {"type": "array", "items": {"type": "object"}}, "outgoing": {"type": "array", "items": {"type": "object"}},
                "connected": {"type": "array", "items": {"type": "object", "description": "person includes handles: both agreed"}},
                "blocked": {"type": "array", "items": {"type": "object"}}
            }
        },
        "Tribe": {
            "type": "object",
            "required": ["id", "name", "role", "members", "sequence"],
            "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}, "role_color": {"type": "string"},
                "members": {"type": "array", "items": {"$ref": "#/components/schemas/PersonCard"}},
                "slot": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "starts_at": {"type": "string", "format": "date-time"},
                    "ends_at": {"type": "string", "format": "date-time"}, "place": {"type": "string"}}},
                "sequence": {"type": "integer"}
            }
        },
        "CheckIn": {
            "type": "object",
            "required": ["registration_id", "name", "checked_in_at", "first_time"],
            "properties": {"registration_id": {"type": "integer"}, "name": {"type": "string"},
                "ticket": {"type": ["string", "null"]}, "role": {"type": ["string", "null"]},
                "checked_in_at": {"type": "string", "format": "date-time"}, "checked_in_by": {"type": ["string", "null"]},
                "first_time": {"type": "boolean"}}
        },
        "BadgeKey": {
            "type": "object",
            "required": ["event", "algorithm", "public_key", "public_key_pem", "token_format", "signed_message"],
            "properties": {"event": {"type": "object"}, "algorithm": {"type": "string", "enum": ["Ed25519"]},
                "public_key": {"type": "string", "description": "The key that signs badges now: the raw 32-byte key, base64url without padding"},
                "public_keys": {"type": "array", "items": {"type": "string"}, "description": "Every key whose badges are accepted (the signing key and older ones not revoked)"},
                "public_key_pem": {"type": "string"}, "token_format": {"type": "string"},
                "signed_message": {"type": "string", "description": "What each token's signature covers"}}
        },
        "SignedBadgeList": {
            "type": "object",
            "required": ["format", "algorithm", "public_key", "payload", "signature"],
            "properties": {"format": {"type": "string", "enum": ["tribe-badge-list/1"]}, "algorithm": {"type": "string", "enum": ["Ed25519"]},
                "public_key": {"type": "string"},
                "payload": {"type": "string", "description": "The signed JSON text: {event, generated_at, valid: [{token, registration, name, ticket, role, checked_in_at}], revoked: [{token, registration, status}]}"},
                "signature": {"type": "string", "description": "Ed25519 over the bytes of payload, base64url without padding"}}
        },
        "MyTable": {
            "type": "object",
            "required": ["plan_id", "title", "table"],
            "properties": {
                "plan_id": {"type": "integer"}, "title": {"type": "string"}, "session": {"type": ["string", "null"]},
                "table": {"type": "object", "properties": {"number": {"type": "integer"},
                    "people": {"type": "array", "items": {"$ref": "#/components/schemas/PersonCard"}},
                    "missing_roles": tags}}
            }
        }
    })
}

fn ok_json(schema: Value) -> Value {
    json!({"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}})
}

fn tribe_paths() -> Value {
    let filters = json!([
        slug_parameter(),
        {"name": "role", "in": "query", "schema": {"type": "integer"}},
        {"name": "interest", "in": "query", "schema": {"type": "string"}},
        {"name": "organization", "in": "query", "schema": {"type": "string"}},
        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Part of a name"}
    ]);
    json!({
        "/api/me/profile": {
            "get": {"summary": "Your profile", "operationId": "getMyProfile", "security": [{"bearer": []}],
                "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/Profile"})), &[401])},
            "put": {"summary": "Change your profile (fields left out keep their value)", "operationId": "updateMyProfile", "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProfileUpdate"}}}},
                "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/Profile"})), &[400, 401, 415, 422])}
        },
        "/api/events/{slug}/people": {
            "get": {"summary": "The event's directory: attendees see attendees-only and public profiles, others public ones; hidden profiles never",
                "operationId": "listPeople", "security": [{"bearer": []}], "parameters": filters,
                "responses": with_problems(ok_json(json!({"type": "array", "items": {"$ref": "#/components/schemas/PersonCard"}})), &[401, 404])}
        },
        "/api/events/{slug}/matches": {
            "get": {"summary": "Up to 10 peers in your role, ranked, with why", "operationId": "getMyMatches", "security": [{"bearer": []}],
                "parameters": [slug_parameter()],
                "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/Matches"})), &[401, 404])}
        },
        "/api/events/{slug}/my-tribe": {
            "get": {"summary": "Your tribe and its meetup", "operationId": "getMyTribe", "security": [{"bearer": []}], "parameters": [slug_parameter()],
                "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/Tribe"})), &[401, 404])}
        },
        "/api/events/{slug}/my-tables": {
            "get": {"summary": "Your seat in each table plan", "operationId": "getMyTables", "security": [{"bearer": []}], "parameters": [slug_parameter()],
                "responses": with_problems(ok_json(json!({"type": "array", "items": {"$ref": "#/components/schemas/MyTable"}})), &[401, 404])}
        },
        "/api/me/connections": {
            "get": {"summary": "Requests to and from you, connections (with their handles) and blocks", "operationId": "listMyConnections",
                "security": [{"bearer": []}], "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/Connections"})), &[401])},
            "post": {"summary": "Ask someone you share an event with to connect; meets their request if they asked first", "operationId": "requestConnection",
                "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["user_id"], "additionalProperties": false,
                    "properties": {"user_id": {"type": "integer"}, "note": {"type": "string", "maxLength": 280}}}}}},
                "responses": with_problems(json!({
                    "201": {"description": "Request sent", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "200": {"description": "Connected (they had asked)", "content": {"application/json": {"schema": {"type": "object"}}}}
                }), &[400, 401, 404, 409, 415, 422])}
        },
        "/api/events/{slug}/checkins": {
            "post": {"summary": "Check in a scanned badge (team only): 201 the first time, 200 with the earlier time after that", "operationId": "checkIn",
                "security": [{"bearer": []}], "parameters": [slug_parameter()],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["token"], "additionalProperties": false,
                    "properties": {"token": {"type": "string", "description": "The badge token, or the whole /b/<token> URL"}}}}}},
                "responses": with_problems(json!({
                    "201": {"description": "Checked in now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckIn"}}}},
                    "200": {"description": "Checked in earlier", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckIn"}}}}
                }), &[400, 401, 403, 404, 410, 415, 422])}
        },
        "/api/events/{slug}/badges/key": {
            "get": {"summary": "The event's Ed25519 public key, to check badge tokens offline (team only)", "operationId": "badgeKey",
                "security": [{"bearer": []}], "parameters": [slug_parameter()],
                "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/BadgeKey"})), &[401, 403, 404])}
        },
        "/api/events/{slug}/badges/offline-list": {
            "get": {"summary": "Every badge of the event as of now, signed with the event's key, for scanners without a network (team only)", "operationId": "offlineBadgeList",
                "security": [{"bearer": []}], "parameters": [slug_parameter()],
                "responses": with_problems(ok_json(json!({"$ref": "#/components/schemas/SignedBadgeList"})), &[401, 403, 404])}
        },
        "/api/events/{slug}/checkins/stats": {
            "get": {"summary": "Checked in out of registered, by ticket type and role (team only)", "operationId": "checkInStats",
                "security": [{"bearer": []}], "parameters": [slug_parameter()],
                "responses": with_problems(ok_json(json!({"type": "object", "required": ["checked_in", "registered", "by_ticket", "by_role"]})), &[401, 403, 404])}
        },
        "/api/me/connections/{id}/{action}": {
            "post": {"summary": "accept or decline a request to you, or withdraw yours", "operationId": "answerConnection", "security": [{"bearer": []}],
                "parameters": [id_parameter(), {"name": "action", "in": "path", "required": true, "schema": {"type": "string", "enum": ["accept", "decline", "withdraw"]}}],
                "responses": with_problems(ok_json(json!({"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}})), &[401, 403, 404, 409])}
        }
    })
}
