CREATE TABLE `heartbeat_exports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`start_time` real NOT NULL,
	`end_time` real NOT NULL,
	`all_data` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `heartbeat_exports_user` ON `heartbeat_exports` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `heartbeat_import_slices` (
	`import_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`body` text NOT NULL,
	`done_at` text,
	PRIMARY KEY(`import_id`, `seq`),
	FOREIGN KEY (`import_id`) REFERENCES `heartbeat_imports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `heartbeat_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`source_kind` text NOT NULL,
	`source_filename` text,
	`remote_dump_status` text,
	`remote_percent_complete` real,
	`total_count` integer DEFAULT 0 NOT NULL,
	`processed_count` integer DEFAULT 0 NOT NULL,
	`imported_count` integer DEFAULT 0 NOT NULL,
	`skipped_count` integer DEFAULT 0 NOT NULL,
	`errors_count` integer DEFAULT 0 NOT NULL,
	`slices_total` integer DEFAULT 0 NOT NULL,
	`slices_done` integer DEFAULT 0 NOT NULL,
	`message` text,
	`error_message` text,
	`started_at` text,
	`finished_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `heartbeat_imports_user_state` ON `heartbeat_imports` (`user_id`,`state`);--> statement-breakpoint
CREATE TABLE `sailors_log_preferences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`slack_channel_id` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sailors_log_preferences_user_channel` ON `sailors_log_preferences` (`user_id`,`slack_channel_id`);--> statement-breakpoint
CREATE INDEX `sailors_log_preferences_channel` ON `sailors_log_preferences` (`slack_channel_id`,`enabled`);