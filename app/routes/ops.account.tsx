// The same account page for operators, inside the operator area.
export { loader, action, default } from "./app.account";
