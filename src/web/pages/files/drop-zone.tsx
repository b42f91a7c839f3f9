// Where files are dropped (or chosen with the file picker) to upload them.
import { type DragEvent, useState } from "react";

export function DropZone({ onFiles }: { onFiles: (list: FileList | null) => void }) {
  const [dragging, setDragging] = useState(false);

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    onFiles(event.dataTransfer.files);
  };

  return (
    <section
      className={`card dropzone${dragging ? " dragging" : ""}`}
      aria-labelledby="upload-heading"
      onDragEnter={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={(e) => {
        // Moving over a child is not leaving the zone.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <h2 id="upload-heading" className="sr-only">
        Upload files
      </h2>
      <p>{dragging ? "Drop to upload" : "Drop files here, or"}</p>
      <label className="button">
        Choose files
        <input
          className="sr-only"
          type="file"
          multiple
          data-testid="file-input"
          onChange={(e) => {
            onFiles(e.currentTarget.files);
            e.currentTarget.value = "";
          }}
        />
      </label>
      <p className="hint">
        Text, images, PDF, archives, audio and video. Large files are sent in parts and can be resumed if the connection
        drops.
      </p>
    </section>
  );
}
