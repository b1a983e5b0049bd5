DROP TABLE `heartbeat_import_slices`;--> statement-breakpoint
DROP TABLE `heartbeats`;--> statement-breakpoint
DROP TABLE `user_active_days`;--> statement-breakpoint
ALTER TABLE `users` ADD `shard` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `users_shard` ON `users` (`shard`);