-- The assistant: each stored answer keeps the steps (tools) it ran, so a reopened conversation shows them,
-- also for an answer that was stopped or failed half-way.
ALTER TABLE assistant_messages ADD COLUMN steps TEXT; -- JSON array of steps, validated before it is stored
