//! Operators' actions on alarms (`alarm_ack`, `alarm_shelve`): done by the live engine at the
//! park's now, recorded there as events; hosts name the person and log the action. A read-only
//! host refuses them.

use crate::dto::{AlarmArgs, AlarmChangeDto, ApiError, ErrorCode};
use crate::live::Live;
use suangu_core::alarms::AlarmKey;
use suangu_engine::live::{AlarmAction, AlarmError};
use suangu_store::Store;

fn refused(command: &str, e: AlarmError) -> ApiError {
    let code = match e {
        AlarmError::Stopped => ErrorCode::NotReady,
        AlarmError::Action(_) | AlarmError::NoRules | AlarmError::ShelfLength(_) => {
            ErrorCode::BadArguments
        }
    };
    ApiError {
        code,
        message: format!("{command}: {e}"),
        details: Vec::new(),
    }
}

impl<S: Store + 'static> Live<S> {
    /// Acknowledge an alarm for `by`.
    pub async fn alarm_ack(&self, args: AlarmArgs, by: &str) -> Result<AlarmChangeDto, ApiError> {
        let key = AlarmKey::new(&args.rule, &args.target);
        let action = AlarmAction::Acknowledge {
            key,
            by: by.to_owned(),
        };
        self.alarm_action("alarm_ack", args, action).await
    }

    /// Shelve an alarm for `args.minutes`, for `by`.
    pub async fn alarm_shelve(
        &self,
        args: AlarmArgs,
        by: &str,
    ) -> Result<AlarmChangeDto, ApiError> {
        let Some(minutes) = args.minutes else {
            return Err(ApiError {
                code: ErrorCode::BadArguments,
                message: "alarm_shelve: minutes is missing (1 to 10,080)".to_owned(),
                details: Vec::new(),
            });
        };
        let action = AlarmAction::Shelve {
            key: AlarmKey::new(&args.rule, &args.target),
            by: by.to_owned(),
            for_s: i64::from(minutes) * 60,
        };
        self.alarm_action("alarm_shelve", args, action).await
    }

    async fn alarm_action(
        &self,
        command: &str,
        args: AlarmArgs,
        action: AlarmAction,
    ) -> Result<AlarmChangeDto, ApiError> {
        let change = self
            .engine()
            .alarm(action)
            .await
            .map_err(|e| refused(command, e))?;
        Ok(AlarmChangeDto {
            rule: args.rule,
            target: args.target,
            change: change.kind.as_str().to_owned(),
            at_s: u32::try_from(change.at.as_second()).unwrap_or(0),
        })
    }
}
