//! Background work each instance runs: expiring held seats and passing them
//! to the waitlist. The domain makes each step a conditional update, so
//! several instances running this loop at once do every piece of work once.

use std::time::Duration;

use rocket::{Orbit, Rocket};

use crate::web::AppState;

pub fn start(rocket: &Rocket<Orbit>, interval: Duration) {
    if interval.is_zero() {
        return;
    }
    let Some(state) = rocket.state::<AppState>() else { return };
    let (db, mailer, config) = (state.db.clone(), state.mailer.clone(), state.config.clone());
    let shutdown = rocket.shutdown();
    tokio::spawn(async move {
        let jobs = AppState { db, config, exports: Default::default(), mailer };
        let mut ticker = tokio::time::interval(interval);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = ticker.tick() => {
                    match crate::domain::waitlist::expire_holds(&jobs.db, crate::domain::now()).await {
                        Ok(offers) => jobs.send_offers(offers).await,
                        Err(error) => tracing::error!(%error, "expiring holds failed"),
                    }
                }
            }
        }
    });
}
