//! Registration questions: what an organizer asks every registrant (text,
//! one choice, several choices, a checkbox; required or optional), and the
//! answers, checked against the questions and exportable with the list.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::db::entities::registration_question::QuestionKind;
use crate::db::entities::{event, registration_answer, registration_question};
use crate::domain::input;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct QuestionForm {
    pub label: String,
    /// `text`, `single`, `multiple` or `checkbox`.
    pub kind: String,
    /// One choice per line.
    pub options: String,
    /// "true" when an answer is required.
    #[serde(deserialize_with = "input::lenient_text")]
    pub required: String,
}

pub fn choices(question: &registration_question::Model) -> Vec<String> {
    question.options.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

pub async fn list(db: &impl ConnectionTrait, event_id: i32) -> AppResult<Vec<registration_question::Model>> {
    Ok(registration_question::Entity::find()
        .filter(registration_question::Column::EventId.eq(event_id))
        .order_by_asc(registration_question::Column::Position)
        .order_by_asc(registration_question::Column::Id)
        .all(db)
        .await?)
}

pub async fn create(db: &DatabaseConnection, event: &event::Model, form: &QuestionForm) -> AppResult<registration_question::Model> {
    let label =
        input::required_text(&form.label, "the question", 300).map_err(|m| AppError::Validation(vec![FieldError::new("question_label", m)]))?;
    let kind = match form.kind.trim() {
        "" | "text" => QuestionKind::Text,
        "single" => QuestionKind::Single,
        "multiple" => QuestionKind::Multiple,
        "checkbox" => QuestionKind::Checkbox,
        _ => return Err(AppError::Validation(vec![FieldError::new("question_kind", "Choose text, one choice, several choices or a checkbox.")])),
    };
    let options: Vec<String> = form.options.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| l.chars().take(200).collect()).collect();
    if matches!(kind, QuestionKind::Single | QuestionKind::Multiple) && options.len() < 2 {
        return Err(AppError::Validation(vec![FieldError::new("question_options", "Give at least two choices, one per line.")]));
    }
    let position = list(db, event.id).await?.len() as i32;
    Ok(registration_question::ActiveModel {
        event_id: Set(event.id),
        label: Set(label),
        kind: Set(kind),
        options: Set(options.join("\n")),
        is_required: Set(matches!(form.required.trim(), "true" | "on" | "1" | "yes")),
        position: Set(position),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn delete(db: &DatabaseConnection, event: &event::Model, id: i32) -> AppResult<()> {
    let removed = registration_question::Entity::delete_many()
        .filter(registration_question::Column::Id.eq(id))
        .filter(registration_question::Column::EventId.eq(event.id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Answers as they arrive: from a form (`q_<id>` for text, one choice and a
/// checkbox; `q_<id>_<n>` for the n-th of several choices) or the API
/// (`{"<id>": "text" | ["a", "b"] | true}`), normalised to question id → values.
pub type RawAnswers = HashMap<i32, Vec<String>>;

pub fn from_form_fields(fields: &HashMap<String, String>, questions: &[registration_question::Model]) -> RawAnswers {
    let mut answers = RawAnswers::new();
    for question in questions {
        let key = format!("q_{}", question.id);
        if let Some(value) = fields.get(&key) {
            answers.entry(question.id).or_default().push(value.clone());
        }
        for (index, choice) in choices(question).iter().enumerate() {
            if fields.get(&format!("{key}_{index}")).is_some_and(|v| !v.is_empty()) {
                answers.entry(question.id).or_default().push(choice.clone());
            }
        }
    }
    answers
}

pub fn from_json(value: &serde_json::Value) -> RawAnswers {
    let mut answers = RawAnswers::new();
    if let Some(map) = value.as_object() {
        for (key, value) in map {
            let Ok(id) = key.parse::<i32>() else { continue };
            let values = match value {
                serde_json::Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect(),
                serde_json::Value::String(text) => vec![text.clone()],
                serde_json::Value::Bool(b) => vec![if *b { "yes".into() } else { "no".into() }],
                serde_json::Value::Number(n) => vec![n.to_string()],
                _ => Vec::new(),
            };
            answers.insert(id, values);
        }
    }
    answers
}

/// Checks every answer against its question; returns what to store.
pub fn check(questions: &[registration_question::Model], raw: &RawAnswers) -> Result<Vec<(i32, String)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut checked = Vec::new();
    for question in questions {
        let field = format!("q_{}", question.id);
        let given: Vec<String> =
            raw.get(&question.id).cloned().unwrap_or_default().into_iter().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect();
        let value = match question.kind {
            QuestionKind::Checkbox => {
                let ticked = given.iter().any(|v| matches!(v.as_str(), "yes" | "on" | "true" | "1"));
                if question.is_required && !ticked {
                    errors.push(FieldError::new(&field, format!("“{}” must be ticked.", question.label)));
                }
                (if ticked { "yes" } else { "no" }).to_owned()
            }
            QuestionKind::Single | QuestionKind::Multiple => {
                let allowed = choices(question);
                if let Some(bad) = given.iter().find(|v| !allowed.contains(v)) {
                    errors.push(FieldError::new(&field, format!("“{bad}” is not one of the choices for “{}”.", question.label)));
                }
                if question.kind == QuestionKind::Single && given.len() > 1 {
                    errors.push(FieldError::new(&field, format!("Choose one answer to “{}”.", question.label)));
                }
                given.join("\n")
            }
            _ => {
                let text = given.join("\n");
                if text.chars().count() > 2000 {
                    errors.push(FieldError::new(&field, "Keep the answer under 2,000 characters."));
                }
                text
            }
        };
        if question.is_required && value.is_empty() {
            errors.push(FieldError::new(&field, format!("Please answer “{}”.", question.label)));
        }
        checked.push((question.id, value));
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(errors)
    }
}

pub async fn save(db: &impl ConnectionTrait, registration_id: i32, answers: &[(i32, String)]) -> AppResult<()> {
    for (question_id, value) in answers {
        registration_answer::ActiveModel {
            registration_id: Set(registration_id),
            question_id: Set(*question_id),
            value: Set(value.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Every answer to the event's questions, by registration.
pub async fn answers_for(db: &DatabaseConnection, registration_ids: &[i32]) -> AppResult<HashMap<(i32, i32), String>> {
    let mut found = HashMap::new();
    for chunk in registration_ids.chunks(500) {
        for answer in registration_answer::Entity::find().filter(registration_answer::Column::RegistrationId.is_in(chunk.to_vec())).all(db).await? {
            found.insert((answer.registration_id, answer.question_id), answer.value);
        }
    }
    Ok(found)
}
