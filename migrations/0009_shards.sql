-- Heartbeats and the per-user tables that grow with them move to the shard databases
-- (migrations-shard/). Rows a database already holds are kept, renamed, not dropped: a
-- deployment that ran before sharding still has them in legacy_* (see docs/scale.md).
ALTER TABLE `heartbeat_import_slices` RENAME TO `legacy_heartbeat_import_slices`;--> statement-breakpoint
ALTER TABLE `heartbeats` RENAME TO `legacy_heartbeats`;--> statement-breakpoint
ALTER TABLE `user_active_days` RENAME TO `legacy_user_active_days`;--> statement-breakpoint
ALTER TABLE `users` ADD `shard` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `stale_shard` integer;--> statement-breakpoint
CREATE INDEX `users_shard` ON `users` (`shard`);--> statement-breakpoint
CREATE INDEX `users_stale_shard` ON `users` (`stale_shard`) WHERE stale_shard IS NOT NULL;
