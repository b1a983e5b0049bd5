-- Heartbeats and the per-user tables that grow with them move to the shard databases
-- (migrations-shard/). Heartbeat rows a database already holds are kept, renamed, not dropped
-- (legacy_*; see docs/scale.md). The leaderboard buckets are derived data: each UserActivity
-- writes them again to its user's shard when its projection is rebuilt (PROJECTION_VERSION).
ALTER TABLE `heartbeat_import_slices` RENAME TO `legacy_heartbeat_import_slices`;--> statement-breakpoint
ALTER TABLE `heartbeats` RENAME TO `legacy_heartbeats`;--> statement-breakpoint
DROP TABLE `lb_day_buckets`;--> statement-breakpoint
DROP TABLE `lb_minute_buckets`;--> statement-breakpoint
DROP TABLE `lb_streaks`;--> statement-breakpoint
ALTER TABLE `users` ADD `shard` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `stale_shard` integer;--> statement-breakpoint
CREATE INDEX `users_shard` ON `users` (`shard`);--> statement-breakpoint
CREATE INDEX `users_stale_shard` ON `users` (`stale_shard`) WHERE stale_shard IS NOT NULL;
