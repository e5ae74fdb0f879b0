-- The captures linked to a story (the backlog's preview, the story's blockers) found
-- through an index instead of a scan of every capture: the preview is redrawn on each
-- move of the backlog's cursor.
CREATE INDEX items_story ON items (story_key, id);
