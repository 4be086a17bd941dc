-- 0004: the first 好差评 indicator sets (editable: new versions are added by
-- the catalog managers; the newest active set of a channel is used).
INSERT INTO rating_sets (channel, version, dimensions, active, created_at) VALUES
	('online', 1, '["整体满意度","办事效率","办事指南精确度","办事便捷度","平台操作性"]', 1, 0);
INSERT INTO rating_sets (channel, version, dimensions, active, created_at) VALUES
	('counter', 1, '["服务效率","服务水平","服务态度"]', 1, 0);
