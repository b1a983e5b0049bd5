CREATE TABLE `heartbeat_import_slices` (
	`import_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`body` text NOT NULL,
	`done_at` text,
	`processed` integer DEFAULT 0 NOT NULL,
	`imported` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`import_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `heartbeats` (
	`id` integer PRIMARY KEY NOT NULL,
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
CREATE INDEX `heartbeats_ip_user` ON `heartbeats` (`ip_address`,`user_id`);--> statement-breakpoint
CREATE INDEX `heartbeats_machine_user` ON `heartbeats` (`machine`,`user_id`);--> statement-breakpoint
CREATE TABLE `id_sequences` (
	`name` text PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `lb_day_buckets` (
	`user_id` integer NOT NULL,
	`day` integer NOT NULL,
	`gap_sum` integer NOT NULL,
	`first_gap` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`user_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `lb_day_buckets_day` ON `lb_day_buckets` (`day`,`user_id`);--> statement-breakpoint
CREATE TABLE `lb_minute_buckets` (
	`user_id` integer NOT NULL,
	`minute` integer NOT NULL,
	`gap_sum` integer NOT NULL,
	`first_gap` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`user_id`, `minute`)
);
--> statement-breakpoint
CREATE INDEX `lb_minute_buckets_minute` ON `lb_minute_buckets` (`minute`,`user_id`);--> statement-breakpoint
CREATE TABLE `lb_streaks` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`timezone` text NOT NULL,
	`last_day` text,
	`length` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lb_streaks_timezone` ON `lb_streaks` (`timezone`,`user_id`);