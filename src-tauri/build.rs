// The app manifest: one `allow-<command>` permission per app command (the list in
// `src/app_commands.rs`, shared with the invoke handler). With a manifest, Tauri checks every app
// command against the capabilities: a window may call only what its capability allows
// (`capabilities/default.json` for `main`, `capabilities/wall.json` for `wall`).

include!("src/app_commands.rs");

macro_rules! names {
    (api: [$($api:ident),* $(,)?], window: [$($window:ident),* $(,)?]) => {
        const APP_COMMANDS: &[&str] = &[$(stringify!($api)),*, $(stringify!($window)),*];
    };
}

app_commands!(names);

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(APP_COMMANDS);
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build: {e:#}");
        std::process::exit(1);
    }
}
