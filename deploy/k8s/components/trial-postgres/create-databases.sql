-- Run once, by the image's entrypoint, when the data folder is new: database per service.
CREATE DATABASE tongban_acceptance OWNER tongban;
CREATE DATABASE tongban_approval OWNER tongban;
CREATE DATABASE tongban_staff OWNER tongban;
CREATE DATABASE tongban_supervision OWNER tongban;
