"""Drawing and writing: annotators (draw only), the H.264 writer, the annotated video/photo, charts."""
