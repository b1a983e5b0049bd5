CREATE TABLE `admin_api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`token_preview` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admin_api_keys_token_hash_unique` ON `admin_api_keys` (`token_hash`);--> statement-breakpoint
CREATE INDEX `admin_api_keys_user_id` ON `admin_api_keys` (`user_id`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text DEFAULT 'Hackatime key' NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_token_hash_unique` ON `api_keys` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_user_id` ON `api_keys` (`user_id`);--> statement-breakpoint
CREATE TABLE `deletion_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`reason` text,
	`reason_details` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`scheduled_deletion_at` text,
	`admin_approved_by_id` integer,
	`admin_approved_at` text,
	`cancelled_at` text,
	`completed_at` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deletion_requests_user_status` ON `deletion_requests` (`user_id`,`status`);--> statement-breakpoint
CREATE TABLE `email_addresses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`email` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_addresses_email_unique` ON `email_addresses` (`email`);--> statement-breakpoint
CREATE INDEX `email_addresses_user_id` ON `email_addresses` (`user_id`);--> statement-breakpoint
CREATE TABLE `heartbeats` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`time` real NOT NULL,
	`entity` text,
	`type` text,
	`category` text,
	`project` text,
	`branch` text,
	`language` text,
	`editor` text,
	`operating_system` text,
	`machine` text,
	`user_agent` text,
	`dependencies` text,
	`is_write` integer,
	`lineno` integer,
	`cursorpos` integer,
	`lines` integer,
	`line_additions` integer,
	`line_deletions` integer,
	`project_root_count` integer,
	`ai_model` text,
	`ai_session` text,
	`ai_subscription_plan` text,
	`ai_input_tokens` integer,
	`ai_output_tokens` integer,
	`ai_prompt_length` integer,
	`ai_line_changes` integer,
	`human_line_changes` integer,
	`source_type` text DEFAULT 'direct_entry' NOT NULL,
	`ip_address` text,
	`ysws_program` integer DEFAULT 0 NOT NULL,
	`fields_hash` text NOT NULL,
	`deleted_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `heartbeats_user_fields_hash` ON `heartbeats` (`user_id`,`fields_hash`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `heartbeats_user_time` ON `heartbeats` (`user_id`,`time`,`id`);--> statement-breakpoint
CREATE INDEX `heartbeats_user_project_time` ON `heartbeats` (`user_id`,`project`,`time`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name_override` text,
	`slack_uid` text,
	`slack_username` text,
	`slack_avatar_url` text,
	`github_uid` text,
	`github_username` text,
	`github_avatar_url` text,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`admin_level` text DEFAULT 'default' NOT NULL,
	`trust_level` integer DEFAULT 0 NOT NULL,
	`allow_public_stats_lookup` integer DEFAULT true NOT NULL,
	`leaderboard_shadowbanned` integer DEFAULT false NOT NULL,
	`country_code` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_slack_uid_unique` ON `users` (`slack_uid`);