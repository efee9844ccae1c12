export function RepDetail() {
  return <div class="page" />;
}
