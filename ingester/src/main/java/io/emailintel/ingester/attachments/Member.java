package io.emailintel.ingester.attachments;

/**
 * One file found inside a container.
 *
 * @param path    where it was inside the container, sanitised ({@link MemberPaths}); for the description
 * @param name    the file name it is carried under (the path's last segment)
 * @param content its bytes, already counted against the e-mail's budget
 */
record Member(String path, String name, byte[] content) {
}
