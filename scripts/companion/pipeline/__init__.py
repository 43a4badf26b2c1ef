"""The pipeline: feed -> episodes/ (download, transcribe, correct, store). It never imports companion.site or companion.course."""
