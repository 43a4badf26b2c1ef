"""The course: bibliography, APA citations, citation metadata, exports, bundles, the cartridge and the course macros."""
