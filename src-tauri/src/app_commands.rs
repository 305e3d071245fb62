// The window's commands, in one list, included by `build.rs` (the app manifest: Tauri generates
// an `allow-<command>` permission for each and refuses any command a window's capability does
// not allow) and by `main.rs` (the invoke handler). Not a module: `include!`d by both.
//
// `api`: the commands of `suangu_api::COMMANDS`, in its order (a unit test checks it).
// `window`: the window's own commands: the streams, opening the wall, signing in and out.
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            api: [
                park_summary,
                park_map,
                park_trend,
                series_history,
                rack_heatmap,
                park_capacity,
                park_n1,
                park_ledger,
                drill,
                park_schedule,
                centre_detail,
                demo_status,
                park_replay,
                demo_play,
                park_events,
                park_sources,
                alarm_ack,
                alarm_shelve,
                export_briefing,
                park_incidents,
                incident_note,
                incident_step,
                evacuation_approve
            ],
            window: [
                live_subscribe,
                rack_heatmap_subscribe,
                rack_heatmap_unsubscribe,
                wall_open,
                account_whoami,
                account_sign_in,
                account_sign_out
            ]
        }
    };
}
