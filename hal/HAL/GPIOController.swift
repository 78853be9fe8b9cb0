/// Finds and requests GPIO lines by chip label and line name.
///
/// One controller serves every chip of a board. Requesting a line that another
/// handle (in this process or another) holds fails with `.lineBusy`; an unknown chip
/// label with `.chipNotFound`; an unknown line name with `.lineNotFound`.
public protocol GPIOController: AnyObject {
  /// Requests `id` as an output, driven at `config.initialValue` from the first
  /// instant. `consumer` is shown by `gpioinfo` as the line's user.
  func requestOutput(_ id: GPIOLineID, config: GPIOOutputConfig, consumer: String)
    throws(GPIOError) -> any GPIOOutputLine

  /// Requests `id` as an input with the given bias, debounce and edge detection.
  func requestInput(_ id: GPIOLineID, config: GPIOInputConfig, consumer: String)
    throws(GPIOError) -> any GPIOInputLine
}
