-- Captures read from a file by `import` name the file and the line they came
-- from (for an X archive: the zip entry and the item of its array).
ALTER TABLE "captures" ADD COLUMN "file_name" TEXT;
ALTER TABLE "captures" ADD COLUMN "file_line" INTEGER;
