//! Background work each instance runs: expiring held seats and passing them
//! to the waitlist; posting live chat rooms' opening messages and topics
//! when they are due; running queued jobs (emails to retry, badge prints
//! whose instance stopped, refunds Stripe has not confirmed yet); deleting
//! log-in sessions that timed out. The domain makes each step a conditional update
//! or a leased job, so several instances running this loop at once do every
//! piece of work once.

use std::time::Duration;

use rocket::{Orbit, Rocket};

use crate::web::AppState;

pub fn start(rocket: &Rocket<Orbit>, interval: Duration) {
    if interval.is_zero() {
        return;
    }
    let Some(state) = rocket.state::<AppState>() else { return };
    let (db, job_worker, config, chat) = (state.db.clone(), state.jobs.clone(), state.config.clone(), state.chat.clone());
    let shutdown = rocket.shutdown();
    tokio::spawn(async move {
        let jobs = AppState::new(db, config, job_worker, chat);
        let mut ticker = tokio::time::interval(interval);
        // Chat topics go out within seconds of their offset.
        let mut chat_ticker = tokio::time::interval(interval.min(Duration::from_secs(5)));
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = chat_ticker.tick() => {
                    if let Err(error) = crate::domain::chats::room::topics::post_due(&jobs.db, &jobs.chat, crate::domain::now()).await {
                        tracing::error!(%error, "posting chat topics failed");
                    }
                }
                _ = ticker.tick() => {
                    match crate::domain::registration::waitlist::expire_holds(&jobs.db, crate::domain::now()).await {
                        Ok(offers) => crate::domain::registration::use_cases::send_offers(jobs.context(), offers).await,
                        Err(error) => tracing::error!(%error, "expiring holds failed"),
                    }
                    if let Err(error) = crate::domain::registration::payments::retry_owed_refunds(&jobs.db, jobs.config.stripe.as_ref(), crate::domain::now()).await {
                        tracing::error!(%error, "retrying owed refunds failed");
                    }
                    if let Err(error) = jobs.jobs.run_due().await {
                        tracing::error!(%error, "running queued jobs failed");
                    }
                    if let Err(error) = crate::domain::accounts::login_sessions::prune(&jobs.db, &jobs.config.sessions, crate::domain::now()).await {
                        tracing::error!(%error, "pruning ended log-in sessions failed");
                    }
                    if let Err(error) = crate::domain::jobs::prune(&jobs.db, crate::domain::now()).await {
                        tracing::error!(%error, "pruning done jobs failed");
                    }
                }
            }
        }
    });
}
