// Public surface of @ssl/trainer (browser-safe: Node-only pieces live in ./node).

// --- pretraining, methods, optimizers, schedules, callbacks (owned by the trainer core) ---

// --- evaluation: kNN, linear probe, fine-tune, label selection (owned by evaluation) ---
