CREATE TABLE `leaderboard_entries` (
	`leaderboard_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`total_seconds` integer NOT NULL,
	`streak_count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`leaderboard_id`, `user_id`),
	FOREIGN KEY (`leaderboard_id`) REFERENCES `leaderboards`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `leaderboard_entries_rank` ON `leaderboard_entries` (`leaderboard_id`,`total_seconds`);--> statement-breakpoint
CREATE TABLE `leaderboards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period` text NOT NULL,
	`start_date` text NOT NULL,
	`window_start` real NOT NULL,
	`window_end` real NOT NULL,
	`pages_total` integer DEFAULT 0 NOT NULL,
	`pages_done` integer DEFAULT 0 NOT NULL,
	`finished_generating_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `leaderboards_period_finished` ON `leaderboards` (`period`,`finished_generating_at`);--> statement-breakpoint
CREATE TABLE `trust_level_audit_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`changed_by_id` integer,
	`previous_trust_level` text NOT NULL,
	`new_trust_level` text NOT NULL,
	`reason` text,
	`notes` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`changed_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `trust_level_audit_logs_user` ON `trust_level_audit_logs` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `trust_level_audit_logs_created` ON `trust_level_audit_logs` (`created_at`);--> statement-breakpoint
CREATE TABLE `user_active_days` (
	`day` text NOT NULL,
	`user_id` integer NOT NULL,
	PRIMARY KEY(`day`, `user_id`)
);
